#!/usr/bin/env bash
# 环境准备 / Set-up: system packages, the .venv virtualenv and the project's Python packages.
#
#   bash scripts/setup.sh                 # what `scripts/run.sh` needs
#   bash scripts/setup.sh --with-browser  # also Chromium, for the end-to-end tests (`scripts/test.sh`)
#
# Idempotent: a second run only checks `dpkg -s` and a stamp file, so it takes well under a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WITH_BROWSER=0
for arg in "$@"; do
    case "$arg" in
        --with-browser) WITH_BROWSER=1 ;;
        -h | --help)
            sed -n '2,7p' "$0"
            exit 0
            ;;
        *)
            echo "setup.sh: unknown option: $arg" >&2
            exit 2
            ;;
    esac
done

say() { printf '==> %s\n' "$*"; }
die() {
    printf '!!! %s\n' "$*" >&2
    exit 1
}

# CI runs without a terminal or stdin: nothing may prompt.
export DEBIAN_FRONTEND=noninteractive PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# --- Python interpreter: the python3 on PATH, within pyproject's requires-python (>=3.11,<3.13) ---
py_ok() { "$1" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 13)))' 2>/dev/null; }
PYTHON_BIN=""
for cand in "${PYTHON:-}" python3 python3.11 python3.12; do
    if [ -n "$cand" ] && command -v "$cand" >/dev/null 2>&1 && py_ok "$cand"; then
        PYTHON_BIN="$(command -v "$cand")"
        break
    fi
done
[ -n "$PYTHON_BIN" ] || die "需要 Python 3.11 或 3.12 (need Python 3.11 or 3.12 on PATH; found: $(python3 --version 2>&1 || echo none))"

# --- System packages ---
# WeasyPrint (PDFs) needs Pango/HarfBuzz; CJK fonts so Chinese renders in PDFs; poppler-utils gives
# the PDF tests `pdftotext`; wrk measures the benchmarks' floors (benchmarks/README.md). Chromium only
# for the end-to-end tests. gettext compiles the project's translations (locale/, e.g. django-axes'
# admin in Chinese).
PKGS=(fonts-noto-cjk fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
    libharfbuzz0b shared-mime-info poppler-utils wrk gettext)
if [ "$WITH_BROWSER" = 1 ]; then PKGS+=(chromium); fi
# Debian's python3 cannot create a venv without python3-venv (ensurepip is split out).
if [ ! -x .venv/bin/python ] && ! "$PYTHON_BIN" -c 'import ensurepip' 2>/dev/null; then
    PKGS+=(python3-venv)
fi
# Front-end libraries come from npm (docs/architecture.md); only needed once the repo has a package.json.
if [ -f package.json ] && ! command -v npm >/dev/null 2>&1; then
    PKGS+=(nodejs npm)
fi

MISSING=()
for p in "${PKGS[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || MISSING+=("$p")
done
if [ "${#MISSING[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        say "安装系统软件包 (installing system packages): ${MISSING[*]}"
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${MISSING[@]}" >/dev/null
    else
        {
            echo "!!! 缺少系统软件包 (missing system packages): ${MISSING[*]}"
            echo "    请以 root 运行 (install them as root, then re-run):"
            echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${MISSING[*]}"
        } >&2
        exit 1
    fi
fi

# --- Virtualenv ---
# Recreate it when its interpreter is gone (e.g. the python it was made from was removed).
if [ -d .venv ] && ! .venv/bin/python -c 'import sys' >/dev/null 2>&1; then
    say "重建虚拟环境 (recreating broken .venv)"
    rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
    say "创建虚拟环境 (creating .venv with $("$PYTHON_BIN" --version))"
    "$PYTHON_BIN" -m venv .venv || die "python -m venv 失败 (venv creation failed): apt-get install python3-venv"
fi

# --- Python packages: skipped when this exact pyproject.toml is already installed ---
STAMP=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-64)"
if [ ! -f "$STAMP" ]; then
    say "安装 Python 依赖 (installing Python packages; first run takes a few minutes)"
    # Some machines' pip config lists local file:// indexes that may not exist; pip warns about each
    # package ("Location 'file:///...' is ignored"). Harmless, so those lines are filtered out.
    pip_install() { .venv/bin/python -m pip install --quiet "$@" 2> >(grep -v "^WARNING: Location 'file://" >&2 || true); }
    pip_install --upgrade pip
    PYTHONWARNINGS="ignore::UserWarning" pip_install -e ".[dev]"  # hides setuptools' editable-install notice
    rm -f .venv/.installed-*
    touch "$STAMP"
else
    say "Python 依赖已是最新 (Python packages up to date)"
fi

# --- Front-end packages (only when the project has a package.json) ---
if [ -f package.json ]; then
    NPM_STAMP="node_modules/.installed-$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -c1-64)"
    if [ ! -f "$NPM_STAMP" ]; then
        say "安装前端依赖 (installing front-end packages with npm)"
        if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
        npm run build --if-present
        rm -f node_modules/.installed-*
        touch "$NPM_STAMP"
    fi
fi

# --- The PDF font: a GB2312 subset of Noto Sans CJK, so WeasyPrint need not subset the whole
# collection for every page. Skipped when it is newer than the system font. ---
# --- Translations: locale/*.po compiled to .mo (not committed), again whenever a .po is newer ---
if [ -n "$(find locale -name '*.po' -newer locale/.compiled 2>/dev/null)" ] || [ ! -f locale/.compiled ]; then
    say "编译翻译 (compiling translations)"
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null
    touch locale/.compiled
fi

say "准备PDF字体 (building the subset CJK font for PDFs, once)"
.venv/bin/python manage.py build_pdf_font

say "环境就绪 (set-up done)"

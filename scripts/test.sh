#!/usr/bin/env bash
# 测试 / Lint and test: `bash scripts/test.sh [pytest args]`, e.g. `bash scripts/test.sh -k workdays -x`.
#
# Database and broker:
#   DATABASE_URL  default postgres://appraisal@127.0.0.1:5432/appraisal (pytest-django creates test_appraisal)
#   REDIS_URL     default redis://127.0.0.1:6379/0 (cache; Celery tasks still run in-process in tests)
# When one is not reachable, the tests fall back to SQLite / a file cache, except in CI (CI=true), where
# the script tries once to start the service and otherwise fails.
# Force SQLite with DATABASE_URL=sqlite:///db.sqlite3 (pytest-django then tests in memory).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh --with-browser

# Everything below runs inside the virtualenv, including subprocesses the tests start.
export VIRTUAL_ENV="$ROOT/.venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
PY="$VIRTUAL_ENV/bin/python"

say() { printf '==> %s\n' "$*"; }
die() {
    printf '!!! %s\n' "$*" >&2
    exit 1
}
is_ci() { case "$(printf %s "${CI:-}" | tr "[:upper:]" "[:lower:]" | tr -d "[:space:]")" in true | 1 | yes) return 0 ;; *) return 1 ;; esac }
is_root() { [ "$(id -u)" = 0 ]; }
# Never print a password that a URL may carry.
mask() { printf '%s' "$1" | sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#'; }
url_part() { "$PY" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); v = getattr(p, sys.argv[2]); print(u.unquote(str(v)) if v is not None else "")' "$1" "$2"; }
is_local() { case "$(url_part "$1" hostname)" in 127.0.0.1 | localhost | ::1 | "") return 0 ;; *) return 1 ;; esac }

# Probe PostgreSQL: connect as the URL's user to the server's `postgres` database, 3 s timeout.
# Before that, on a local server reachable as superuser `postgres`, create the URL's role
# (LOGIN CREATEDB: pytest-django creates and drops the test database itself).
probe_pg() {
    "$PY" - "$1" <<'PY'
import os, sys, urllib.parse as up

import psycopg
from psycopg import sql

url = up.urlsplit(sys.argv[1])
host = up.unquote(url.hostname or "127.0.0.1")
port = url.port or 5432
user = up.unquote(url.username or "postgres")
password = up.unquote(url.password) if url.password else None


def connect(role, pw):
    return psycopg.connect(host=host, port=port, user=role, password=pw, dbname="postgres",
                           connect_timeout=3, autocommit=True)


if host in ("127.0.0.1", "localhost", "::1") and user != "postgres":
    try:
        with connect("postgres", os.environ.get("PGPASSWORD")) as conn:
            row = conn.execute("SELECT rolcreatedb FROM pg_roles WHERE rolname = %s", [user]).fetchone()
            if row is None:
                query = sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(sql.Identifier(user))
                if password:
                    query += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
                conn.execute(query)
                print(f"==> 已创建数据库角色 (created PostgreSQL role) {user}")
            elif not row[0]:
                conn.execute(sql.SQL("ALTER ROLE {} CREATEDB").format(sql.Identifier(user)))
    except psycopg.Error:
        pass  # no superuser access: the probe below decides

try:
    connect(user, password).close()
except psycopg.Error as exc:
    print((str(exc).strip().splitlines() or [type(exc).__name__])[0], file=sys.stderr)
    sys.exit(1)
PY
}

probe_redis() {
    "$PY" - "$1" <<'PY'
import sys

import redis

try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3, socket_timeout=3).ping()
except Exception as exc:
    print((str(exc).strip().splitlines() or [type(exc).__name__])[0], file=sys.stderr)
    sys.exit(1)
PY
}

# CI only: install (fresh machine) and start a local PostgreSQL once.
start_pg() {
    is_local "$1" || return 0
    if ! command -v pg_ctlcluster >/dev/null 2>&1 && is_root; then
        say "安装 PostgreSQL (installing postgresql)"
        apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null || return 0
    fi
    say "启动 PostgreSQL (starting PostgreSQL)"
    local conf
    for conf in /etc/postgresql/*/main; do
        [ -d "$conf" ] || continue
        pg_ctlcluster --skip-systemctl-redirect "$(basename "$(dirname "$conf")")" main start || true
    done
    # A fresh Debian cluster asks for passwords over TCP, so create the role over the Unix socket
    # (peer authentication as the postgres OS user), with the URL's password if it has one.
    if is_root && command -v psql >/dev/null 2>&1 && id postgres >/dev/null 2>&1; then
        local _
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            runuser -u postgres -- psql -XAtqc 'SELECT 1' >/dev/null 2>&1 && break
            sleep 1
        done
        printf '%s\n' "SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'u', NULLIF(:'p', ''))" \
            "WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') \\gexec" |
            runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 \
                -v u="$(url_part "$1" username)" -v p="$(url_part "$1" password)" >/dev/null || true
    fi
}

# CI only: install (fresh machine) and start a local Redis once, without persistence.
start_redis() {
    is_local "$1" || return 0
    if ! command -v redis-server >/dev/null 2>&1 && is_root; then
        say "安装 Redis (installing redis-server)"
        apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null || return 0
    fi
    say "启动 Redis (starting redis-server)"
    local port
    port="$(url_part "$1" port)"
    redis-server --daemonize yes --bind 127.0.0.1 --port "${port:-6379}" --save "" --appendonly no >/dev/null || true
}

# Re-probe for a few seconds: a just-started server needs a moment before it accepts connections.
wait_for() {
    local _
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        "$@" 2>/dev/null && return 0
        sleep 1
    done
    "$@"
}

# Probe errors go to a file so that the probes' own progress lines still reach the terminal.
ERRF="$(mktemp)"
trap 'rm -f "$ERRF"' EXIT
err() { head -c 300 "$ERRF"; }

# --- Database ---
DB_URL="${DATABASE_URL:-postgres://appraisal@127.0.0.1:5432/appraisal}"
case "$DB_URL" in
    postgres* | pgsql* | psql* | postgis*)
        if probe_pg "$DB_URL" 2>"$ERRF"; then
            say "数据库 (database): PostgreSQL $(mask "$DB_URL")"
            export DATABASE_URL="$DB_URL"
        elif is_ci; then
            say "PostgreSQL 不可达 (not reachable at $(mask "$DB_URL"): $(err))"
            # A PostgreSQL we install ourselves asks for a password over TCP: give the default role one.
            if [ -z "${DATABASE_URL:-}" ] && ! command -v pg_ctlcluster >/dev/null 2>&1; then
                DB_URL="postgres://appraisal:appraisal@127.0.0.1:5432/appraisal"
            fi
            start_pg "$DB_URL"
            wait_for probe_pg "$DB_URL" 2>"$ERRF" ||
                die "CI: PostgreSQL 不可达 (PostgreSQL not reachable) at $(mask "$DB_URL"): $(err)"
            say "数据库 (database): PostgreSQL $(mask "$DB_URL")"
            export DATABASE_URL="$DB_URL"
        else
            say "数据库 (database): SQLite（PostgreSQL 不可达 / not reachable at $(mask "$DB_URL"): $(err)）"
            unset DATABASE_URL
        fi
        ;;
    *)
        say "数据库 (database): $(mask "$DB_URL")"
        export DATABASE_URL="$DB_URL"
        ;;
esac

# --- Redis (cache; the Celery broker URL, though tasks run eagerly in tests) ---
RD_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
if probe_redis "$RD_URL" 2>"$ERRF"; then
    say "Redis: $(mask "$RD_URL")"
    export REDIS_URL="$RD_URL"
elif is_ci; then
    say "Redis 不可达 (not reachable at $(mask "$RD_URL"): $(err))"
    start_redis "$RD_URL"
    wait_for probe_redis "$RD_URL" 2>"$ERRF" ||
        die "CI: Redis 不可达 (Redis not reachable) at $(mask "$RD_URL"): $(err)"
    say "Redis: $(mask "$RD_URL")"
    export REDIS_URL="$RD_URL"
else
    say "Redis: 未使用，改用文件缓存（Redis 不可达 / not reachable at $(mask "$RD_URL"): $(err) → file cache in a temporary folder, eager Celery）"
    unset REDIS_URL
    # A folder of this run's own: the tests empty the cache before each test.
    DJANGO_CACHE_DIR="$(mktemp -d -t appraisal-test-cache.XXXXXX)"
    export DJANGO_CACHE_DIR
    trap 'rm -f "$ERRF"; rm -rf "$DJANGO_CACHE_DIR"' EXIT
fi

# Tests run tasks in-process and with production-like error handling; never production settings.
unset DJANGO_PRODUCTION
export CELERY_TASK_ALWAYS_EAGER=true DJANGO_DEBUG=false
export PLAYWRIGHT_CHROMIUM="${PLAYWRIGHT_CHROMIUM:-/usr/bin/chromium}"

say "代码检查 (ruff check)"
ruff check .

say "需求追溯检查 (traceability: scripts/trace.py --check)"
"$PY" scripts/trace.py --check

say "运行测试 (pytest $*)"
rc=0
"$PY" -m pytest "$@" || rc=$?
if [ "$rc" = 5 ]; then
    die "没有收集到任何测试 (pytest collected no tests): check the arguments or tests/"
fi
exit "$rc"

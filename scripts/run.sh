#!/usr/bin/env bash
# 运行 / Run the site locally on the embedded default: SQLite, Celery eager, files on disk.
#
#   bash scripts/run.sh            # http://127.0.0.1:8000/
#   PORT=8080 bash scripts/run.sh
#   DJANGO_DEBUG=true bash scripts/run.sh   # Django's debug pages, for developers
#
# For PostgreSQL + Redis + Celery, see docs/DEPLOY.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

# The embedded default needs no server. Unset what an exported shell environment could leak in,
# so `run.sh` always behaves the same.
unset DATABASE_URL REDIS_URL CELERY_TASK_ALWAYS_EAGER DJANGO_PRODUCTION
# Debug off, as users see the site: its own Chinese error pages, static files through WhiteNoise.
# Developers turn it on with `DJANGO_DEBUG=true bash scripts/run.sh`.
export DJANGO_DEBUG="${DJANGO_DEBUG:-false}"
PORT="${PORT:-8000}"
PY=.venv/bin/python

echo "==> 迁移数据库 (migrating the SQLite database)"
"$PY" manage.py migrate --noinput

echo "==> 载入演示数据 (loading demo data)"
"$PY" manage.py load_demo

echo "==> 打开 http://127.0.0.1:${PORT}/ (open it in a browser; Ctrl-C to stop)"
exec "$PY" manage.py runserver "127.0.0.1:${PORT}"

#!/usr/bin/env bash
# One command on a fresh machine: install everything and run the whole test suite on
# SQLite and, when PostgreSQL is reachable, again on PostgreSQL. Fails if either fails.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test || exit 1
export DJANGO_ALLOW_ASYNC_UNSAFE=true
py=.venv/bin/python

echo ">> Checking for missing migrations"
DJANGO_SETTINGS_MODULE=config.settings $py manage.py makemigrations --check --dry-run -v0 || {
  echo "Models have changes without migrations."; exit 1; }

echo ">> Test suite on SQLite"
env -u DATABASE_URL $py -m pytest "$@"
sqlite_status=$?

pg_status=0
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/cum_thi_dua}"
if $py -c "import sys, psycopg2; psycopg2.connect('${pg_url%/*}/postgres', connect_timeout=3).close()" 2>/dev/null; then
  echo ">> Test suite on PostgreSQL"
  DATABASE_URL="$pg_url" $py -m pytest "$@"
  pg_status=$?
else
  echo ">> PostgreSQL is not reachable at ${pg_url%/*}: its suite is skipped"
fi

echo ">> SQLite suite exit code: $sqlite_status; PostgreSQL suite exit code: $pg_status"
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]

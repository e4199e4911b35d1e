#!/usr/bin/env bash
# One command on a fresh machine: install everything, check lint, format and the locks, then run
# the whole test suite on SQLite and, when PostgreSQL is reachable, again on PostgreSQL, each on
# every core (pytest-xdist). Fails if any step fails, and if a test left a file in the checkout.
# Extra arguments go to pytest (e.g. `scripts/test.sh -m "not e2e"`).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test || exit 1
export DJANGO_ALLOW_ASYNC_UNSAFE=true
py=.venv/bin/python
started=$SECONDS

bash scripts/lint.sh || { echo "Lint or format findings above: fix them (make format fixes the formatting)."; exit 1; }

echo ">> Checking the lock files against pyproject.toml"
$py scripts/check_lock.py || exit 1

echo ">> Checking for missing migrations"
$py manage.py makemigrations --check --dry-run -v0 || {
  echo "Models have changes without migrations."; exit 1; }

# What a test run may not change: the files git sees and everything under var/.
checkout_state() { git status --porcelain --untracked-files=all 2>/dev/null; find var -type f -printf '%p %s %T@\n' 2>/dev/null | sort; }
before=$(checkout_state)

workers="${PYTEST_WORKERS:-auto}"
suite() {  # name, then environment assignments
  local name=$1; shift
  local start=$SECONDS
  echo ">> Test suite on $name"
  env "$@" $py -m pytest -n "$workers" -q "${pytest_args[@]}"
  local status=$?
  echo ">> $name suite: exit code $status in $((SECONDS - start)) s"
  return $status
}
pytest_args=("$@")

suite SQLite -u DATABASE_URL
sqlite_status=$?

pg_status=0
pg_url="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/cum_thi_dua}"
if $py -c "import sys, psycopg2; psycopg2.connect('${pg_url%/*}/postgres', connect_timeout=3).close()" 2>/dev/null; then
  # The browser journeys drive the pages, not the database: they run once, on SQLite; every
  # other test runs on both. (Arguments given to this script apply to both suites instead.)
  [ ${#pytest_args[@]} -eq 0 ] && pytest_args=(-m "not e2e")
  suite PostgreSQL DATABASE_URL="$pg_url"
  pg_status=$?
else
  echo ">> PostgreSQL is not reachable at ${pg_url%/*}: its suite is skipped"
fi

leaks=0
after=$(checkout_state)
if [ "$before" != "$after" ]; then
  echo ">> The tests changed files in the checkout (they must write only under their temporary folder):"
  diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -20
  leaks=1
fi

echo ">> SQLite suite exit code: $sqlite_status; PostgreSQL suite exit code: $pg_status; in all $((SECONDS - started)) s"
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ] && [ "$leaks" -eq 0 ]

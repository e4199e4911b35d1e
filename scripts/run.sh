#!/usr/bin/env bash
# One command on a fresh machine: install, migrate, load the demo data and serve the app
# at http://127.0.0.1:8000 (SQLite, Celery tasks in-process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh run
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_demo
echo ">> Serving http://127.0.0.1:8000 (Ctrl+C to stop)"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000

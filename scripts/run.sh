#!/usr/bin/env bash
# One command on a fresh machine: install, migrate, load the demo data and serve the app
# at http://127.0.0.1:8000 (SQLite, Celery tasks in-process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh run
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_demo
# Served as its users see it: DEBUG off (the app's own Vietnamese error pages, never Django's
# debug page), plain HTTP on this machine, and a secret key of this checkout kept in var/.
key_file=var/dev-secret-key
if [ ! -s "$key_file" ]; then
  .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > "$key_file"
  chmod 600 "$key_file"
fi
export DJANGO_DEBUG=false DJANGO_HTTPS=false DJANGO_SECRET_KEY="$(cat "$key_file")"
.venv/bin/python manage.py collectstatic --noinput -v0
echo ">> Serving http://127.0.0.1:8000 (Ctrl+C to stop)"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000

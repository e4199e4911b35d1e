#!/usr/bin/env bash
# Lint and format checks, as the README's test command runs them: ruff (lint and format) on the
# Python code, djhtml on the templates. Exits non-zero on any finding, naming the file.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
echo ">> ruff check"
.venv/bin/ruff check --output-format concise . || status=1
echo ">> ruff format --check"
.venv/bin/ruff format --check . || status=1
echo ">> djhtml --check templates"
.venv/bin/djhtml --check templates >/dev/null 2>/tmp/djhtml.$$ || { grep -v "already perfect" /tmp/djhtml.$$; status=1; }
rm -f /tmp/djhtml.$$
exit $status

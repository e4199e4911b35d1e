.PHONY: run test test-fast test-e2e lint format lock messages
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
# Everything but the browser journeys, on SQLite, on every core: the loop while changing code.
test-fast:
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/python -m pytest -n auto -q -m "not e2e"
# The browser journeys only (screenshots kept with SCREENSHOT_DIR=/some/folder).
test-e2e:
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/python -m pytest -q -m e2e
lint:
	bash scripts/lint.sh
format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .
	.venv/bin/djhtml templates
# Refresh the lock files after changing the dependencies in pyproject.toml.
lock:
	CUSTOM_COMPILE_COMMAND="make lock" .venv/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host --output-file requirements.txt pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" .venv/bin/pip-compile -q --strip-extras --extra test --no-emit-index-url --no-emit-find-links --no-emit-trusted-host --output-file requirements-test.txt pyproject.toml
# Refresh the Vietnamese catalogue after changing interface strings.
messages:
	.venv/bin/python manage.py makemessages -l vi --ignore=.venv --ignore=var --ignore=node_modules --no-obsolete
	.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules

.PHONY: run test messages
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
# Refresh the Vietnamese catalogue after changing interface strings.
messages:
	.venv/bin/python manage.py makemessages -l vi --ignore=.venv --ignore=var --no-obsolete
	.venv/bin/python manage.py compilemessages --ignore=.venv

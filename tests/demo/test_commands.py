"""`manage.py load_demo` creates accounts with known passwords: never by accident in production."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cluster.models import Cluster


def test_the_demo_is_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as error:
        call_command("load_demo", stdout=StringIO())
    assert "DEBUG đang tắt" in str(error.value) and "--force" in str(error.value)
    assert not Cluster.objects.exists()


@pytest.mark.parametrize(("debug", "arguments"), [(True, []), (False, ["--force"])], ids=["debug", "forced"])
def test_the_demo_loads_with_debug_on_or_when_forced(db, settings, debug, arguments):
    settings.DEBUG = debug
    out = StringIO()
    call_command("load_demo", *arguments, stdout=out)
    assert "Demo logins" in out.getvalue() and "phutho" in out.getvalue()
    assert Cluster.objects.count() == 1


def test_the_run_script_loads_the_demo_with_debug_on():
    """scripts/run.sh leaves DJANGO_DEBUG unset (on), or forces the demo where it turns it off."""
    script = (Path(settings.BASE_DIR) / "scripts" / "run.sh").read_text()
    calls = [line for line in script.splitlines() if "load_demo" in line and not line.lstrip().startswith("#")]
    assert calls
    turns_debug_off = re.search(r"DJANGO_DEBUG=(false|0|no|off)", script, re.IGNORECASE)
    assert not turns_debug_off or all("--force" in line for line in calls)

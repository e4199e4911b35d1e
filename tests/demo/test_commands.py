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
    """scripts/run.sh loads the demo while DJANGO_DEBUG is still unset (on), or forces it where it
    has turned it off (it serves the app with DEBUG off afterwards)."""
    lines = (Path(settings.BASE_DIR) / "scripts" / "run.sh").read_text().splitlines()
    code = [(i, line) for i, line in enumerate(lines) if not line.lstrip().startswith("#")]
    calls = [i for i, line in code if "load_demo" in line]
    assert calls
    off = [i for i, line in code if re.search(r"DJANGO_DEBUG=(false|0|no|off)", line, re.IGNORECASE)]
    assert all(i < min(off, default=len(lines)) or "--force" in lines[i] for i in calls)

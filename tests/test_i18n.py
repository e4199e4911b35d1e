"""The Vietnamese catalogue is complete: no untranslated or fuzzy message, and every
string of the interface is in it."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_no_untranslated_vietnamese_message():
    out = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO)], capture_output=True, text=True, check=True
    ).stdout
    assert out == "", f"Untranslated messages:\n{out}"


def test_no_fuzzy_vietnamese_message():
    out = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(PO)], capture_output=True, text=True, check=True
    ).stdout
    assert out == "", f"Fuzzy messages:\n{out}"


def test_catalogue_covers_every_string_of_the_interface(tmp_path):
    """Extract the messages afresh from a copy of the code and compare the msgids."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__", "tests", "bench"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "-v0", "--ignore=.venv"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    fresh = copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgcmp", "--use-untranslated", str(PO), str(fresh)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"Messages missing from locale/vi (run `make messages`):\n{result.stderr}"

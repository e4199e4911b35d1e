"""Settings of the test suite: the project's own, with every file a test writes in a temporary folder.

Each test process (each pytest-xdist worker too) gets its own folder for uploaded and generated
files and, on SQLite, for the test database; it is removed when the process ends, so a run leaves
the checkout (`var/` included) as it found it.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403 (the project's settings, overridden below)
from config.settings import DATABASES, STORAGES

TEST_TMP_DIR = Path(tempfile.mkdtemp(prefix="cum-thi-dua-tests-"))
atexit.register(shutil.rmtree, TEST_TMP_DIR, ignore_errors=True)

MEDIA_ROOT = TEST_TMP_DIR / "media"
STORAGES = {
    **STORAGES,
    "default": {**STORAGES["default"], "OPTIONS": {"location": str(MEDIA_ROOT / "private"), "base_url": None}},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a real Celery worker started by a test sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_TMP_DIR / "test-db.sqlite3")}

# Demo passwords are hashed many times per run; the hasher's strength is not under test here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

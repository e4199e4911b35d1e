"""A Celery worker whose every render first waits DRILL_RENDER_DELAY seconds (fault drills only).

The delay lives here, not in the service: bench/drills.py starts this instead of `celery worker`
when it needs a render slow enough to kill its worker in the middle.
Usage: python bench/slow_worker.py worker --pool=solo -Q QUEUE ...
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from config.celery import app  # noqa: E402
from reports import services  # noqa: E402

DELAY = float(os.environ.get("DRILL_RENDER_DELAY", "6"))
render_pdf_document = services.render_pdf_document


def slow_render_pdf_document(html):
    time.sleep(DELAY)
    return render_pdf_document(html)


services.render_pdf_document = slow_render_pdf_document

if __name__ == "__main__":
    app.worker_main(sys.argv[1:])

"""The Celery application.

Without a broker configured (the embedded default) every task runs in-process
(`task_always_eager`); with `CELERY_BROKER_URL`/`REDIS_URL` a real worker renders.
"""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cum_thi_dua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def prepare_worker_process(**_kwargs):
    """A worker process renders documents: WeasyPrint is loaded once, before its first task, and
    with the rest kept out of the garbage collector's full passes (`common.process.settle_heap`)."""
    import weasyprint  # noqa: F401 (loaded now rather than during the first render)

    from common.process import settle_heap

    settle_heap()

"""The Celery application.

Without a broker configured (the embedded default) every task runs in-process
(`task_always_eager`); with `CELERY_BROKER_URL`/`REDIS_URL` a real worker renders.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cum_thi_dua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

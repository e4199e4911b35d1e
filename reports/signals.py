"""When a worker starts, renders that were waiting (their messages lost while the broker was
down or restarted) are sent again, and renders lost with a dead worker are marked failed."""

import logging

from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@worker_ready.connect
def recover_documents(**kwargs):
    from . import services

    try:
        sent = services.reports_requeue_waiting()
        failed = services.reports_fail_stale()
    except Exception:
        logger.exception("Could not recover waiting documents")
        return
    if sent or failed:
        logger.warning("Documents recovered at worker start: %s re-sent, %s marked failed", sent, failed)

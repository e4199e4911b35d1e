from celery import shared_task
from django.conf import settings

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=2,
    retry_kwargs={"max_retries": 3},
    soft_time_limit=settings.DOCUMENT_RENDER_TIME_LIMIT - 30,
    time_limit=settings.DOCUMENT_RENDER_TIME_LIMIT,
)
def render_report(self, *, report_id):
    """Render one document (ids only; the service is idempotent, so a redelivery is harmless)."""
    services.report_render(report_id=report_id)

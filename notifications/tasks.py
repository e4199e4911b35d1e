import datetime

from celery import shared_task
from django.utils import timezone

from . import reminders, services


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=570)
def send_emails(*, notification_ids):
    """Send the e-mails of these notifications (ids only; a second run sends nothing twice)."""
    return services.notifications_email(notification_ids=notification_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800, soft_time_limit=1740)
def send_reminders(*, today=None):
    """The scheduled reminder job (Celery beat): the same service as `manage.py send_reminders`."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return reminders.reminders_send(today=day)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=300)
def send_pending_emails():
    """Queue again the e-mails whose task was lost (scheduled)."""
    return services.notifications_email_pending()

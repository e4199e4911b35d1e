"""Notifications: the inbox entries and their e-mails. The only writer of `Notification` and
`Preference`.

`notify` is idempotent: a recipient gets at most one notification per `dedupe_key`, so an event
announced twice, or a reminder job run twice, leaves one entry and one e-mail. E-mails go out
after the commit, from a Celery task given the notifications' ids (`tasks.send_emails`); a run
claims the rows it sends, so two runs never send the same e-mail. A refused address or an
unreachable mail server is recorded on the notification, in words, and shown in the inbox: the
entry itself is never lost.
"""

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .enums import EmailStatus
from .models import Notification, Preference

logger = logging.getLogger(__name__)

#: Ids per e-mail task: a big reminder run is cut into tasks of this size.
EMAIL_BATCH = 200
#: An e-mail claimed by a run that has not finished after this long is taken as lost with it.
EMAIL_CLAIM_EXPIRES = timedelta(minutes=15)


@dataclass(frozen=True)
class Message:
    """One notification to create: who, what, where to look, and its idempotence key."""

    user: object
    kind: str
    title: str
    body: str
    link: str
    dedupe_key: str


def notify(*, users, kind, title, body="", link="", dedupe_key):
    """Tell each of `users` the same thing; returns the notifications created (none for a user who
    already has one with this `dedupe_key`)."""
    return notify_many(
        messages=[Message(user=u, kind=kind, title=title, body=body, link=link, dedupe_key=dedupe_key) for u in users]
    )


@transaction.atomic
def notify_many(*, messages):
    """Create the notifications not created yet (by recipient and key) and queue their e-mails
    on commit. A constant number of queries whatever the number of messages."""
    messages = [m for m in messages if m.user is not None and m.user.is_active]
    if not messages:
        return []
    user_ids = {m.user.pk for m in messages}
    keys = {m.dedupe_key for m in messages}
    existing = set(
        Notification.objects.filter(recipient_id__in=user_ids, dedupe_key__in=keys).values_list(
            "recipient_id", "dedupe_key"
        )
    )
    no_email = set(
        Preference.objects.filter(user_id__in=user_ids, email_enabled=False).values_list("user_id", flat=True)
    )
    rows, seen = [], set()
    for m in messages:
        pair = (m.user.pk, m.dedupe_key)
        if pair in existing or pair in seen:
            continue
        seen.add(pair)
        wants_email = bool(m.user.email) and m.user.pk not in no_email
        rows.append(
            Notification(
                recipient_id=m.user.pk,
                kind=m.kind,
                title=str(m.title)[:300],
                body=str(m.body),
                link=m.link,
                dedupe_key=m.dedupe_key,
                email_status=EmailStatus.PENDING if wants_email else EmailStatus.OFF,
            )
        )
    if not rows:
        return []
    # ignore_conflicts: a concurrent run that created the same row first wins; nothing is doubled.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    created = list(
        Notification.objects.filter(
            recipient_id__in={r.recipient_id for r in rows},
            dedupe_key__in={r.dedupe_key for r in rows},
        ).only("pk", "recipient_id", "dedupe_key", "email_status")
    )
    wanted = {(r.recipient_id, r.dedupe_key) for r in rows}
    created = [n for n in created if (n.recipient_id, n.dedupe_key) in wanted]
    # By recipient, so that one person's notifications of this call share an e-mail task.
    pending = [
        n.pk for n in sorted(created, key=lambda n: (n.recipient_id, n.pk)) if n.email_status == EmailStatus.PENDING
    ]
    if pending:
        _queue_emails(pending)
    return created


def _queue_emails(ids):
    def send():
        from .tasks import send_emails

        for start in range(0, len(ids), EMAIL_BATCH):
            try:
                send_emails.apply_async(kwargs={"notification_ids": ids[start : start + EMAIL_BATCH]})
            except Exception:
                # The broker did not take it: the e-mails stay pending; notifications_email_pending
                # (run by the scheduled job) sends them later.
                logger.exception("Could not queue the e-mails of notifications %s", ids[start : start + EMAIL_BATCH])

    transaction.on_commit(send)


def absolute_url(path):
    return settings.SITE_URL.rstrip("/") + path if path else settings.SITE_URL


def _email_of(notifications, template, urls):
    """One e-mail for one recipient's notifications of this run (usually one; the reminders of
    several deadlines due the same day come together). Rendered in the site's language."""
    first = notifications[0]
    with translation.override(settings.LANGUAGE_CODE):
        body = template.render(
            {
                "notifications": [(n, absolute_url(n.link) if n.link else "") for n in notifications],
                **urls,
            }
        )
        if len(notifications) == 1:
            subject = _("[Emulation cluster] %(title)s") % {"title": first.title}
        else:
            subject = _("[Emulation cluster] %(count)s notifications: %(title)s; …") % {
                "count": len(notifications),
                "title": first.title,
            }
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[first.recipient.email])


def _error_text(error, address):
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            code, reply = next(iter(error.recipients.values()), (None, b""))
            reply = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
            return _(
                "The mail server refused the address %(address)s (%(code)s %(reply)s). Ask an admin to correct "
                "the e-mail address of your account. This notification stays here in your inbox."
            ) % {"address": address, "code": code, "reply": reply}
        if isinstance(error, smtplib.SMTPResponseException):
            reply = (
                error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
            )
            return _(
                "The mail server did not accept the e-mail to %(address)s (%(code)s %(reply)s). This notification "
                "stays here in your inbox."
            ) % {"address": address, "code": error.smtp_code, "reply": reply}
        return _(
            "The e-mail to %(address)s could not be sent: the mail server did not answer (%(error)s). It will not "
            "be sent again; this notification stays here in your inbox."
        ) % {"address": address, "error": str(error) or error.__class__.__name__}


def notifications_email(*, notification_ids):
    """Send the e-mails of these notifications that are still to be sent, over one connection,
    one e-mail per recipient; record each one's outcome. Running it twice sends nothing twice."""
    token = uuid.uuid4().hex
    now = timezone.now()
    Notification.objects.filter(pk__in=notification_ids, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENDING, email_claim=token, email_attempted_at=now
    )
    claimed = list(Notification.objects.filter(email_claim=token).select_related("recipient").order_by("pk"))
    if not claimed:
        return {"sent": 0, "failed": 0}
    by_recipient = {}
    for notification in claimed:
        by_recipient.setdefault(notification.recipient_id, []).append(notification)
    template = get_template("notifications/email.txt")
    urls = {
        "inbox_url": absolute_url(reverse("notifications:inbox")),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    sent, failed = [], []
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        for notification in claimed:
            failed.append((notification, _error_text(error, notification.recipient.email)))
        by_recipient = {}
    try:
        for group in by_recipient.values():
            try:
                connection.send_messages([_email_of(group, template, urls)])
            except (smtplib.SMTPException, OSError) as error:
                logger.warning("E-mail of notifications %s not sent: %s", [n.pk for n in group], error)
                failed.extend((n, _error_text(error, n.recipient.email)) for n in group)
                if isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(error, smtplib.SMTPException):
                    connection.close()
                    try:
                        connection.open()
                    except (smtplib.SMTPException, OSError):
                        pass
            else:
                sent.extend(n.pk for n in group)
    finally:
        connection.close()
    done = timezone.now()
    Notification.objects.filter(pk__in=sent).update(
        email_status=EmailStatus.SENT, emailed_at=done, email_claim="", email_error=""
    )
    for notification, text in failed:
        notification.email_status, notification.email_claim, notification.email_error = EmailStatus.FAILED, "", text
    Notification.objects.bulk_update([n for n, _text in failed], ["email_status", "email_claim", "email_error"])
    return {"sent": len(sent), "failed": len(failed)}


def notifications_email_pending():
    """Queue again the e-mails whose task was lost: pending ones (the broker did not take the task)
    and ones claimed by a run that never finished (its worker died). Called by the scheduled job."""
    expired = timezone.now() - EMAIL_CLAIM_EXPIRES
    Notification.objects.filter(email_status=EmailStatus.SENDING, email_attempted_at__lt=expired).update(
        email_status=EmailStatus.PENDING, email_claim=""
    )
    ids = list(
        Notification.objects.filter(
            email_status=EmailStatus.PENDING, created_at__lt=timezone.now() - timedelta(minutes=2)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        with transaction.atomic():
            _queue_emails(ids)
    return len(ids)


@transaction.atomic
def notification_mark_read(*, notification, user):
    """Mark one of the user's own notifications read (another person's is not found)."""
    updated = Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return updated


@transaction.atomic
def notifications_mark_all_read(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_save(*, user, email_enabled):
    preference, _created = Preference.objects.get_or_create(user=user)
    preference.email_enabled = bool(email_enabled)
    preference.full_clean()
    preference.save(update_fields=["email_enabled"])
    return preference

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import EmailStatus, NotificationKind


class Notification(models.Model):
    """One thing a person must react to: an inbox entry and, if they want it, an e-mail.

    Written only by `notifications.services`: `notify` creates it (at most once per recipient and
    `dedupe_key`, which makes every sender idempotent), `notifications_email` sends the e-mail
    and records `email_status`, `emailed_at` and `email_error`; `notification_mark_read` and
    `notifications_mark_all_read` set `read_at`. A failed e-mail never removes the entry.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    title = models.CharField(_("notification title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True, help_text=_("A path of the site."))
    dedupe_key = models.CharField(_("key"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    #: The sending run that holds the e-mail (a token), so that two runs never send it twice.
    email_claim = models.CharField(max_length=32, blank=True)
    email_attempted_at = models.DateTimeField(_("e-mail attempted at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_error = models.TextField(_("e-mail error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_recipient_and_key")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email_status"], name="notification_email_status"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


class Preference(models.Model):
    """How a person wants to hear from the app. No row: the defaults (e-mail on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email_enabled = models.BooleanField(
        _("also send me an e-mail"),
        default=True,
        help_text=_("Every notification stays in your inbox in the app either way."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

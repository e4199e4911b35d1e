"""Reads of the inbox: a person only ever sees their own notifications."""

from django.http import Http404

from .models import Notification, Preference

INBOX_SIZE = 100


def inbox_of(user, *, unread_only=False):
    """The user's notifications, newest first (one query, no per-row query)."""
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for_user(user, pk):
    """The user's own notification, else 404 (another person's alike a missing one)."""
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def preference_of(user):
    """The user's preference, or the default one (e-mail on), not saved."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)

"""Reads for the staff accounts page."""

from django.contrib.auth import get_user_model
from django.db.models import F

from .models import AccountEvent


def staff_accounts(*, province=None):
    """Every account, staff grouped by province (by name, then by full name), then admins."""
    users = get_user_model().objects.select_related("province")
    if province is not None:
        users = users.filter(province=province)
    return users.order_by(F("province__name").asc(nulls_last=True), "province__valid_from", "full_name", "username")


def account_events(*, province=None, limit=100):
    """The latest account events, with who they concern and who did them."""
    events = AccountEvent.objects.select_related("user__province", "actor")
    if province is not None:
        events = events.filter(user__province=province)
    return events[:limit]

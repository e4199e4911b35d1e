"""Reads for the staff accounts page."""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F, Sum

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


def failed_sign_ins(usernames):
    """{username: failed sign-ins counted against it} for the usernames with any (django-axes)."""
    rows = (
        AccessAttempt.objects.filter(username__in=list(usernames))
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
    )
    return {row["username"]: row["failures"] for row in rows if row["failures"]}

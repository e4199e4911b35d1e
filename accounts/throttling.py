"""Login throttling with django-axes: a limit for each lock-out parameter, and the client's
address taken from a reverse proxy only when the site says how many it trusts."""

import hashlib
import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum


def failure_limit_of(parameter, default):
    """The failures that lock a parameter of `AXES_LOCKOUT_PARAMETERS`: the username alone
    (from any number of addresses) has `LOGIN_USERNAME_FAILURE_LIMIT`, the others axes's own."""
    return settings.LOGIN_USERNAME_FAILURE_LIMIT if parameter == "username" else default


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes's database handler, with one limit per lock-out parameter.

    axes 8 compares the largest failure count among the parameters with one limit
    (`AXES_FAILURE_LIMIT`). Here each parameter's count is scaled to that limit by its own
    (`failure_limit_of`), so that a username is locked after 5 failures from one address, or
    after 10 from any number of addresses."""

    def get_failures(self, request, credentials=None):
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        failures = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            # reaches `limit` exactly when `count` reaches the parameter's own limit
            failures = max(failures, count * limit // failure_limit_of(parameter, limit))
        return failures


def client_ip_address(request):
    """The address a login comes from (`AXES_CLIENT_IP_CALLABLE`).

    With `TRUSTED_PROXY_COUNT` = 0 (the default) it is REMOTE_ADDR: an X-Forwarded-For header
    sent by a client changes nothing. Behind N reverse proxies that each append the address
    they were reached from, it is the N-th address from the end of X-Forwarded-For (the one the
    outermost proxy saw); addresses further left were written by the client and are ignored.
    A header too short or not an address falls back to REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


#: Password link requests are counted over this many seconds.
RESET_WINDOW = 60 * 60


def _count(key):
    """Counts one more request under `key` in the cache (shared by every web process when the
    cache is Redis); the count starts again `RESET_WINDOW` seconds after its first request."""
    if cache.add(key, 1, RESET_WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RESET_WINDOW)
        return 1


def password_reset_allowed(request, email):
    """Whether a password link may be requested now, counting this request: at most
    `PASSWORD_RESET_ADDRESS_LIMIT` an hour from one client address and
    `PASSWORD_RESET_EMAIL_LIMIT` an hour for one e-mail address. An address that belongs to no
    account is counted the same way, so a refusal says nothing about who has an account."""
    address = client_ip_address(request)
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_address = _count(f"accounts:reset:address:{address}")
    by_email = _count(f"accounts:reset:email:{email_key}")
    return by_address <= settings.PASSWORD_RESET_ADDRESS_LIMIT and by_email <= settings.PASSWORD_RESET_EMAIL_LIMIT

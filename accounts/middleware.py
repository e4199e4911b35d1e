"""A signed-in session ends after `SESSION_IDLE_TIMEOUT` seconds without a request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

#: The session key holding the time (seconds since the epoch) of the user's last request.
LAST_SEEN = "accounts_last_seen"
#: How often (seconds) the time of the last request is written to the session.
TOUCH_EVERY = 60


class IdleSessionTimeoutMiddleware:
    """Signs out a user whose previous request is older than `SESSION_IDLE_TIMEOUT` seconds.

    A signed-in request stores its time in the session when the stored one is older than
    `TOUCH_EVERY` seconds (so the session is not written on every request; the limit is
    kept to within that much). A session past the limit is ended before the view runs:
    `LoginRequiredMiddleware` then sends the person to the login page, which says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.warning(
                    request,
                    _("Your session has ended after %(minutes)s minutes without activity. Please sign in again.")
                    % {"minutes": max(1, round(settings.SESSION_IDLE_TIMEOUT / 60))},
                )
            elif last_seen is None or now - last_seen >= TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def mark_signed_in(sender, request, user, **kwargs):
    """A sign-in starts the idle clock (so the first requests after it write nothing)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = time.time()

from . import selectors


def unread_notifications(request):
    """The unread count of the navbar's badge (one query, signed-in pages only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": selectors.unread_count(user)}

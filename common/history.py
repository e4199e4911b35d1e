"""What django-simple-history records with an object's next save."""


def set_change_reason(obj, reason, user=None):
    """The reason (cut to the column's 100 characters) and who did it, also outside a web
    request (the demo loader, the shell, a task)."""
    obj._change_reason = reason[:100] if reason else None
    if user is not None and getattr(user, "pk", None):
        obj._history_user = user

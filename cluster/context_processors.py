from . import selectors


def current_cluster(request):
    """The cluster shown in the navigation (one cluster per site today)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"nav_cluster": selectors.cluster_for_user(request.user)}

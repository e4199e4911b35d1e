from . import selectors


def current_cluster(request):
    """The id of the cluster the navigation links to (one cluster per site today)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"nav_cluster_id": selectors.cluster_id_for_user(request.user)}

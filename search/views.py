from django.shortcuts import render

from cluster import selectors as cluster_selectors

from . import selectors, text


def results(request):
    """The results of the search box (GET ?q=…; &group=… shows one group in full)."""
    query = request.GET.get("q", "")
    group = request.GET.get("group")
    if group not in selectors.GROUP_KEYS:
        group = None
    cluster = cluster_selectors.cluster_for_user(request.user)
    found = selectors.search(request.user, cluster, query, group=group) if cluster is not None else None
    return render(
        request,
        "search/results.html",
        {"cluster": cluster, "results": found, "search_query": query.strip()[: text.MAX_QUERY_LENGTH]},
    )

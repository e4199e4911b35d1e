"""A confirmation before a step that cannot be undone: the same POST comes back with
`confirmed=1` once the person has read what will be frozen."""

from django.shortcuts import render


def is_confirmed(request):
    return request.POST.get("confirmed") == "1"


def confirmation_page(request, *, title, frozen, lines, cancel_url, fields=None, context=None):
    """The page that summarises what the step freezes and posts the same action again, confirmed.

    `lines`: what the step applies to (one per line); `fields`: extra POST fields to send back."""
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "frozen": frozen,
            "lines": lines,
            "action": request.path,
            "fields": dict(fields or {}),
            "cancel_url": cancel_url,
            **(context or {}),
        },
    )

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferenceForm


def inbox(request):
    """The signed-in person's own notifications, newest first, 50 a page."""
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox_of(request.user, unread_only=unread_only), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "preference": selectors.preference_of(request.user),
        },
    )


@require_POST
def mark_read(request, pk):
    """Mark one notification read, then follow its link (or back to the inbox)."""
    notification = selectors.notification_get_for_user(request.user, pk)
    services.notification_mark_read(notification=notification, user=request.user)
    target = request.POST.get("next") or ""
    if target == "link" and notification.link:
        return redirect(notification.link)
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("Every notification is marked as read."))
    return redirect("notifications:inbox")


def preferences(request):
    preference = selectors.preference_of(request.user)
    form = PreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.preference_save(user=request.user, email_enabled=form.cleaned_data["email_enabled"])
        if form.cleaned_data["email_enabled"]:
            messages.success(request, _("You will get an e-mail for each notification."))
        else:
            messages.success(request, _("You will no longer get e-mails: notifications stay in your inbox."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "preference": preference})

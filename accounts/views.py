"""Everyone's own password (change, reset by e-mail) and the admins' staff accounts page."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views import View

from common.confirm import is_confirmed
from provinces.models import Province

from . import selectors, services
from .forms import StaffAccountEditForm, StaffAccountForm
from .throttling import password_reset_allowed


def site_url(request):
    """The site's address as the person reached it, for the links of the e-mails."""
    return request.build_absolute_uri("/")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    @transaction.atomic
    def form_valid(self, form):
        """Django's form saves the password; the same transaction records it in the history."""
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_changed.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for a link by e-mail address. The answer is the same whether or not an account has
    that address; requests are limited per client address and per e-mail address."""

    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not password_reset_allowed(self.request, email):
            form.add_error(
                None, _("Too many password link requests. Please wait an hour, then ask again, or ask an admin.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        services.password_reset_request(email=email, site_url=site_url(self.request))
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: it works once (choosing a password changes what the token is made of)
    and for `PASSWORD_RESET_TIMEOUT` seconds; otherwise the page says so and links to a new one."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)}

    @transaction.atomic
    def form_valid(self, form):
        """Django's form saves the password; the same transaction records it in the history."""
        response = super().form_valid(form)
        services.password_reset_done(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


def _require_manager(request):
    if not request.user.has_perm("accounts.manage_staff"):
        raise PermissionDenied


def admin_post(view):
    """An admin's action: refused to others before the method is looked at; POST only."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        _require_manager(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return wrapper


def _selected_province(request):
    province_id = request.GET.get("province", "")
    if province_id.isdigit():
        return Province.objects.filter(pk=province_id).first()
    return None


def staff_accounts(request):
    """Admins: the accounts of each province (and the admins), their actions and history."""
    _require_manager(request)
    province = _selected_province(request)
    accounts = list(selectors.staff_accounts(province=province))
    failures = selectors.failed_sign_ins(account.username for account in accounts)
    for account in accounts:
        account.failed_sign_ins = failures.get(account.username, 0)
    return render(
        request,
        "accounts/staff.html",
        {
            "accounts": accounts,
            "events": selectors.account_events(province=province),
            "provinces": Province.objects.order_by("name", "valid_from"),
            "province": province,
        },
    )


class StaffAccountCreateView(View):
    """Admins open a staff account for a province; the person chooses the password from the
    e-mailed link. A refusal (a username or address in use, a mail that cannot be sent) keeps
    everything typed."""

    template_name = "accounts/staff_new.html"

    def dispatch(self, request, *args, **kwargs):
        _require_manager(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        initial = {}
        province = _selected_province(request)
        if province is not None:
            initial["province"] = province
        return render(request, self.template_name, {"form": StaffAccountForm(initial=initial)})

    def post(self, request):
        form = StaffAccountForm(request.POST)
        if form.is_valid():
            try:
                user = services.account_create(actor=request.user, site_url=site_url(request), **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The account %(username)s is created; a link to choose its password was sent to %(email)s.")
                    % {"username": user.username, "email": user.email},
                )
                return redirect(_staff_url(user))
        return render(request, self.template_name, {"form": form})


class StaffAccountEditView(View):
    """Admins correct an account's full name, e-mail address and province."""

    template_name = "accounts/staff_edit.html"

    def dispatch(self, request, *args, **kwargs):
        _require_manager(request)
        self.account = get_object_or_404(get_user_model().objects.select_related("province"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        initial = {"full_name": self.account.full_name, "email": self.account.email, "province": self.account.province}
        return self._page(StaffAccountEditForm(initial=initial, account=self.account))

    def post(self, request, pk):
        form = StaffAccountEditForm(request.POST, account=self.account)
        if form.is_valid():
            try:
                user = services.account_update(actor=request.user, user=self.account, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The account %(name)s is saved.") % {"name": user})
                return redirect(_staff_url(user))
        return self._page(form)

    def _page(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "account": self.account, "cancel_url": _staff_url(self.account)},
        )


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _staff_url(user):
    url = reverse("accounts:staff")
    return f"{url}?province={user.province_id}" if user.province_id else url


def _account_action(request, pk, *, service, done, confirm=None):
    _require_manager(request)
    user = get_object_or_404(get_user_model().objects.select_related("province"), pk=pk)
    if confirm is not None and not is_confirmed(request):
        title, warning = confirm(user)
        return render(
            request,
            "accounts/confirm.html",
            {"title": title, "warning": warning, "account": user, "cancel_url": _staff_url(user)},
        )
    try:
        service(actor=request.user, user=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done(user))
    return redirect(_staff_url(user))


@admin_post
def staff_deactivate(request, pk):
    return _account_action(
        request,
        pk,
        service=services.account_deactivate,
        confirm=lambda user: (
            _("Deactivate the account %(name)s?") % {"name": user},
            _(
                "%(name)s will no longer be able to sign in, and their open sessions end. Nothing they did "
                "is removed; the account can be reactivated later."
            )
            % {"name": user},
        ),
        done=lambda user: _("The account %(name)s is deactivated.") % {"name": user},
    )


@admin_post
def staff_reactivate(request, pk):
    return _account_action(
        request,
        pk,
        service=services.account_reactivate,
        confirm=lambda user: (
            _("Reactivate the account %(name)s?") % {"name": user},
            _("%(name)s will be able to sign in again with their previous password.") % {"name": user},
        ),
        done=lambda user: _("The account %(name)s is active again.") % {"name": user},
    )


@admin_post
def staff_send_link(request, pk):
    return _account_action(
        request,
        pk,
        service=lambda *, actor, user: services.account_send_password_link(
            actor=actor, user=user, site_url=site_url(request)
        ),
        done=lambda user: _("A link to choose a new password was sent to %(email)s.") % {"email": user.email},
    )


@admin_post
def staff_unlock(request, pk):
    return _account_action(
        request,
        pk,
        service=services.account_unlock,
        done=lambda user: _("The account %(name)s can sign in again.") % {"name": user},
    )

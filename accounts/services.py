"""Accounts: the admins' staff accounts page and everyone's own password. The only writer of
users' activity and of `AccountEvent`; every action is one line of the account's history."""

import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import AccountEvent

logger = logging.getLogger(__name__)

#: The e-mail of a password link: `registration/password_reset` for a reset asked by the
#: person or sent by an admin, `accounts/email/account_created` for a new account's first one.
RESET_MAIL = "registration/password_reset"
WELCOME_MAIL = "accounts/email/account_created"


def _require_admin(actor):
    if actor is None or not actor.is_authenticated or not actor.is_active or not actor.is_superuser:
        raise PermissionDenied(_("Only an admin manages staff accounts."))


def _record(*, user, kind, actor=None):
    return AccountEvent.objects.create(user=user, actor=actor, kind=kind)


def password_link(*, user, site_url):
    """The absolute link that lets `user` choose a password, once, within
    `PASSWORD_RESET_TIMEOUT` seconds (it stops working when the password changes)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    return site_url.rstrip("/") + path


def _send_password_link(*, user, site_url, template):
    """Sends the password link to the account's address, in Vietnamese. Raises ValidationError
    when the mail server refuses it (the caller's transaction is then rolled back)."""
    context = {
        "user": user,
        "link": password_link(user=user, site_url=site_url),
        "site_url": site_url.rstrip("/"),
        "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
        try:
            send_mail(subject, body, None, [user.email])
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("password link to user %s not sent: %s", user.pk, error)
            raise ValidationError(
                _("The e-mail to %(email)s could not be sent (%(error)s). Nothing was changed; try again later.")
                % {"email": user.email, "error": error.__class__.__name__}
            ) from error


def password_reset_request(*, email, site_url):
    """Sends a reset link to every active account with this e-mail address (none: nothing is
    sent, and the person is told the same as when one is). A mail that cannot be sent is logged,
    never shown: it would tell who has an account."""
    users = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).exclude(email="")
    for user in users:
        try:
            _send_password_link(user=user, site_url=site_url, template=RESET_MAIL)
        except ValidationError:
            continue


def password_changed(*, user):
    """The person changed their own password (signed in)."""
    return _record(user=user, actor=user, kind=AccountEvent.Kind.PASSWORD_CHANGED)


def password_reset_done(*, user):
    """The person chose a password from an e-mail link; a login lock-out on the account ends."""
    from axes.utils import reset

    reset(username=user.username)
    return _record(user=user, actor=user, kind=AccountEvent.Kind.PASSWORD_RESET)


def _clean_email(email, *, exclude_pk=None):
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": _("A staff account needs an e-mail address: its password is set from it.")})
    others = get_user_model().objects.filter(email__iexact=email)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"email": _("Another account already uses this e-mail address.")})
    return email


@transaction.atomic
def account_create(*, actor, username, full_name, email, province, site_url):
    """An admin opens a staff account for a province. It has no password yet: the person
    chooses it from the link e-mailed to them (valid `PASSWORD_RESET_TIMEOUT` seconds; an
    admin can send another). If the mail cannot be sent, no account is created."""
    _require_admin(actor)
    if province is None:
        raise ValidationError({"province": _("A staff account belongs to a province.")})
    User = get_user_model()
    user = User(
        username=(username or "").strip(),
        full_name=(full_name or "").strip(),
        email=_clean_email(email),
        province=province,
        is_active=True,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    _record(user=user, actor=actor, kind=AccountEvent.Kind.CREATED)
    _send_password_link(user=user, site_url=site_url, template=WELCOME_MAIL)
    return user


@transaction.atomic
def account_update(*, actor, user, full_name, email, province=None):
    """An admin corrects an account's full name, e-mail address and (for staff) province."""
    _require_admin(actor)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    user.full_name = (full_name or "").strip()
    user.email = _clean_email(email, exclude_pk=user.pk)
    if not user.is_superuser:
        if province is None:
            raise ValidationError({"province": _("A staff account belongs to a province.")})
        user.province = province
    user.full_clean()
    user.save(update_fields=["full_name", "email", "province"])
    _record(user=user, actor=actor, kind=AccountEvent.Kind.UPDATED)
    return user


@transaction.atomic
def account_unlock(*, actor, user):
    """An admin forgets the failed sign-ins of an account, which ends its lock-out at once."""
    from axes.utils import reset

    _require_admin(actor)
    if not reset(username=user.username):
        raise ValidationError(_("No failed sign-in is recorded for this account."))
    _record(user=user, actor=actor, kind=AccountEvent.Kind.UNLOCKED)
    return user


@transaction.atomic
def account_deactivate(*, actor, user):
    """An admin closes an account: it can no longer sign in, and its open sessions end at their
    next request. Nothing it did is removed. An admin cannot close their own account."""
    _require_admin(actor)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not user.is_active:
        raise ValidationError(_("This account is already deactivated."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    _record(user=user, actor=actor, kind=AccountEvent.Kind.DEACTIVATED)
    return user


@transaction.atomic
def account_reactivate(*, actor, user):
    """An admin opens a closed account again (with its old password)."""
    _require_admin(actor)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ValidationError(_("This account is already active."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    _record(user=user, actor=actor, kind=AccountEvent.Kind.REACTIVATED)
    return user


@transaction.atomic
def account_send_password_link(*, actor, user, site_url):
    """An admin sends an account a link to choose a new password (the old one keeps working
    until then) and ends a login lock-out on it."""
    from axes.utils import reset

    _require_admin(actor)
    user = get_user_model().objects.get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(_("This account is deactivated: reactivate it first."))
    if not user.email:
        raise ValidationError(_("This account has no e-mail address: set one in the administration first."))
    _record(user=user, actor=actor, kind=AccountEvent.Kind.LINK_SENT)
    _send_password_link(user=user, site_url=site_url, template=RESET_MAIL)
    reset(username=user.username)
    return user

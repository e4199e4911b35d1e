from django.contrib import auth
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Provincial emulation staff (one province) or an admin (no province).

    Nobody is made "chair" by hand: chair powers follow the term of the year
    (see `cluster.rules`).
    """

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=False) | Q(is_superuser=True),
                name="user_has_province_or_is_admin",
                violation_error_message=_("A user who is not an admin must belong to a province."),
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    def has_perm(self, perm, obj=None):
        """Admins hold every model-level permission; object rules (closed years, roles)
        still apply to them, so a closed year is closed for admins too."""
        if obj is None:
            return super().has_perm(perm)
        if not self.is_active:
            return False
        return any(backend.has_perm(self, perm, obj) for backend in auth.get_backends() if hasattr(backend, "has_perm"))

    @property
    def is_admin(self):
        return self.is_superuser


class AccountEvent(models.Model):
    """One line of an account's history: who created, changed, deactivated, reactivated or
    unlocked it, who sent it a password link, and when its password was changed or reset. Written only by
    `accounts.services`; never edited."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Account created")
        DEACTIVATED = "deactivated", _("Account deactivated")
        REACTIVATED = "reactivated", _("Account reactivated")
        LINK_SENT = "link_sent", _("Password link sent by an admin")
        UPDATED = "updated", _("Account details changed")
        UNLOCKED = "unlocked", _("Sign-in unlocked")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password set from an e-mail link")

    user = models.ForeignKey(User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="account_events")
    actor = models.ForeignKey(
        User,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"

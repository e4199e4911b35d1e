from django.contrib import auth
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
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

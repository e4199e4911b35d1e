from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyModelAdmin

from .models import AccountEvent, User


@admin.register(User)
class ClusterUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "province", "is_superuser", "is_active")
    list_filter = ("province", "is_superuser", "is_active")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Cluster"), {"fields": ("full_name", "province")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Cluster"), {"fields": ("full_name", "province")}),
    )


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyModelAdmin):
    """The accounts' history, as the staff accounts page shows it (written by accounts.services)."""

    list_display = ("at", "user", "kind", "actor")
    list_filter = ("kind",)
    list_select_related = ("user", "actor")
    search_fields = ("user__username", "user__full_name")

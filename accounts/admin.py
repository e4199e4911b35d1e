from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


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

"""The Django admin shows the domain but never changes it: every change of a year goes through the
services (their checks, their history). Accounts, provinces and award types stay editable."""

from django.contrib import admin


class ReadOnlyAdminMixin:
    """No add, change or delete in the Django admin: the app's pages and services do that."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


class ReadOnlyStackedInline(ReadOnlyAdminMixin, admin.StackedInline):
    extra = 0

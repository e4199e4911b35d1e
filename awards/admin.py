from django.contrib import admin

from .models import AwardType


@admin.register(AwardType)
class AwardTypeAdmin(admin.ModelAdmin):
    """Award types are reference data admins keep; meetings, ballots and nominations change only
    through the review meeting's pages."""

    list_display = ("code", "name", "order")

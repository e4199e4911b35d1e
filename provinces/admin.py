from django.contrib import admin

from .models import Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "valid_from", "valid_to", "successor")
    search_fields = ("code", "name")

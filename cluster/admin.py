from django.contrib import admin

from common.admin import ReadOnlyModelAdmin, ReadOnlyStackedInline, ReadOnlyTabularInline

from .models import Cluster, EmulationYear, Membership, RuleSet


class MembershipInline(ReadOnlyTabularInline):
    model = Membership
    fields = ("province", "year", "role", "rotation_order")


class RuleSetInline(ReadOnlyStackedInline):
    model = RuleSet


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name")


@admin.register(EmulationYear)
class EmulationYearAdmin(ReadOnlyModelAdmin):
    """Read-only: years open through the rotation page, members change on the members page."""

    list_display = ("cluster", "year", "term_confirmed_at", "closed_at")
    list_filter = ("cluster",)
    inlines = [RuleSetInline, MembershipInline]

from django.contrib import admin

from .models import Cluster, EmulationYear, Membership, RuleSet


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("province", "year", "role", "rotation_order")


class RuleSetInline(admin.StackedInline):
    model = RuleSet
    can_delete = False


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name")


@admin.register(EmulationYear)
class EmulationYearAdmin(admin.ModelAdmin):
    list_display = ("cluster", "year", "term_confirmed_at", "closed_at")
    list_filter = ("cluster",)
    inlines = [RuleSetInline, MembershipInline]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadOnlyAdminMixin, ReadOnlyModelAdmin

from .models import Criterion, Evidence, Score, Scoreboard, Scorecard, Section


@admin.register(Section)
class SectionAdmin(ReadOnlyModelAdmin):
    list_display = ("emulation_year", "code", "title", "order")
    list_filter = ("emulation_year__cluster", "emulation_year__year")


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "title", "section", "kind", "max_points", "evidence_required")
    list_filter = ("section__emulation_year__year", "kind")
    search_fields = ("code", "title")


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("province", "emulation_year", "status", "self_total", "agreed_total", "rank")
    list_filter = ("emulation_year__year", "status")
    readonly_fields = ("version", "self_total", "agreed_total", "section_totals", "self_section_totals", "rank")


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("scorecard", "criterion", "self_score", "agreed_score")
    list_filter = ("scorecard__emulation_year__year",)
    list_select_related = ("scorecard__province", "scorecard__emulation_year", "criterion")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyModelAdmin):
    list_display = ("original_name", "score", "content_type", "size", "uploaded_at")
    readonly_fields = ("file", "original_name", "extension", "content_type", "size", "uploaded_by")


@admin.register(Scoreboard)
class ScoreboardAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("emulation_year", "locked_at", "ranked_at")

from django.db import migrations
from django.utils import timezone

FIELDS = (
    "id",
    "emulation_year_id",
    "source_document",
    "operating_rules_number",
    "operating_rules_date",
    "quorum_percent",
    "vote_threshold_percent",
    "vote_threshold_strict",
    "vote_base",
    "written_votes_allowed",
    "ballot_tie_rule",
    "ranking_tie_rule",
    "flag_quota",
    "certificate_quota",
)


def start_history(apps, schema_editor):
    """One historical row per existing rule set, so that its first change shows what it changed."""
    RuleSet = apps.get_model("cluster", "RuleSet")
    HistoricalRuleSet = apps.get_model("cluster", "HistoricalRuleSet")
    now = timezone.now()
    HistoricalRuleSet.objects.bulk_create(
        [
            HistoricalRuleSet(
                **{name: getattr(rule_set, name) for name in FIELDS},
                history_date=now,
                history_type="+",
                history_change_reason="Bộ quy tắc khi bắt đầu lưu lịch sử thay đổi",
            )
            for rule_set in RuleSet.objects.all()
        ]
    )


def drop_history(apps, schema_editor):
    apps.get_model("cluster", "HistoricalRuleSet").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cluster", "0004_rule_set_written_votes_source_and_history")]

    operations = [migrations.RunPython(start_history, drop_history)]

"""common.bulk writes what Django's bulk_update and simple-history's bulk_history_create write:
the same values in every column (decimals, texts with quotes, dates, a foreign key, None), and
the same history rows (user, reason, type, tracked values), in one statement per batch."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.bulk import update_with_history
from common.history import set_change_reason
from scoring.models import Score, Scorecard
from tests.factories import UserFactory
from tests.scoring.builders import build_scored_year


@pytest.mark.django_db
def test_the_values_and_the_history_rows_are_those_of_the_orm():
    _cluster, year = build_scored_year(members=3, criteria=30, year=2090, prefix="k ")
    card = Scorecard.objects.filter(emulation_year=year).order_by("pk").first()
    user, reader = UserFactory(province=card.province), UserFactory()
    scores = list(Score.objects.filter(scorecard=card).order_by("pk"))
    when = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    for index, score in enumerate(scores):
        score.self_score = Decimal(index % 10) + Decimal("0.25")
        score.note = f"Ghi chú 'số' {index} \"trích\" ; DROP TABLE x;--"
        score.explained_at = when if index % 2 else None
        score.explanation_read_by = reader if index % 3 == 0 else None
        set_change_reason(score, f"Lý do {index}" if index % 2 else "", user if index % 5 == 0 else None)
    before = Score.history.count()
    fields = ["self_score", "note", "explained_at", "explanation_read_by"]
    with CaptureQueriesContext(connection) as ctx:
        updated = update_with_history(scores, Score, fields, default_change_reason="Mặc định")
    assert updated == len(scores)
    assert len([q for q in ctx.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]) == 2
    stored = {s.pk: s for s in Score.objects.filter(scorecard=card)}
    for score in scores:
        again = stored[score.pk]
        assert (again.self_score, again.note, again.explained_at, again.explanation_read_by_id) == (
            score.self_score,
            score.note,
            score.explained_at,
            score.explanation_read_by_id,
        )
    assert Score.history.count() == before + len(scores)
    for index, score in enumerate(scores):
        row = Score.history.filter(id=score.pk).order_by("-history_id").first()
        assert row.history_type == "~"
        assert row.history_change_reason == (f"Lý do {index}" if index % 2 else "Mặc định")
        assert row.history_user_id == (user.pk if index % 5 == 0 else None)
        assert (row.self_score, row.note, row.explained_at, row.explanation_read_by_id) == (
            score.self_score,
            score.note,
            score.explained_at,
            score.explanation_read_by_id,
        )
        assert abs((row.history_date - timezone.now()).total_seconds()) < 60


@pytest.mark.django_db
def test_history_rows_without_any_user_keep_their_reason_and_stored_values():
    """A batch whose every row has no user (a system change): PostgreSQL must not type the
    users' NULLs as text; the rows still carry what the table holds after the update."""
    _cluster, year = build_scored_year(members=2, criteria=12, year=2091, prefix="n ")
    card = Scorecard.objects.filter(emulation_year=year).order_by("pk").first()
    scores = list(Score.objects.filter(scorecard=card).order_by("pk"))
    for index, score in enumerate(scores):
        score.self_score = Decimal(index) / 4
    update_with_history(scores, Score, ["self_score"], default_change_reason="Hệ thống")
    for score in scores:
        row = Score.history.filter(id=score.pk).order_by("-history_id").first()
        assert (row.history_user_id, row.history_change_reason, row.self_score) == (None, "Hệ thống", score.self_score)
        assert row.note == score.note and row.criterion_id == score.criterion_id


@pytest.mark.django_db
def test_history_rows_follow_the_order_given_take_a_lazy_reason_and_miss_no_row():
    """The history lists one save's rows by their ids: they are numbered in the order of the
    objects given (the form's), whatever order the database joins them in; a translatable
    reason is stored as its text; an object without its row is an error, not a row left out."""
    from django.utils.translation import gettext_lazy

    from common.bulk import insert_history_in_bulk

    _cluster, year = build_scored_year(members=2, criteria=40, year=2092, prefix="o ")
    card = Scorecard.objects.filter(emulation_year=year).order_by("pk").first()
    scores = list(Score.objects.filter(scorecard=card).order_by("-pk"))  # against the keys' order
    scores = scores[1::2] + scores[::2]
    insert_history_in_bulk(Score, scores, default_change_reason=gettext_lazy("Self-score saved"))
    rows = list(Score.history.filter(id__in=[s.pk for s in scores]).order_by("-history_id")[: len(scores)])
    assert [r.id for r in reversed(rows)] == [s.pk for s in scores]
    assert {r.history_change_reason for r in rows} == {"Lưu điểm tự chấm"}
    gone = Score(pk=10**9, scorecard=card, criterion_id=scores[0].criterion_id)
    with pytest.raises(RuntimeError, match="1 of 2 rows"):
        insert_history_in_bulk(Score, [scores[0], gone])

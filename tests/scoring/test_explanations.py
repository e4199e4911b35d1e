"""Giải trình (domain §11): a changed score carries a reason the province can answer, and the
appraiser reads the answer before the scoring is locked."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.enums import NotificationKind
from notifications.models import Notification
from scoring import selectors, services
from scoring.enums import ScorecardStatus
from scoring.models import Score, Scoreboard
from tests.factories import UserFactory
from tests.scoring.builders import build_scored_year
from tests.scoring.test_appraisal import submitted

REASON = "Số liệu chưa được thống kê xác nhận"


@pytest.fixture
def changed(scoring_demo, demo_user):
    """Bắc Kạn's 2015 scorecard, submitted; the chair (Bắc Giang) lowered one score with a reason."""
    card = submitted("06", demo_user, "backan")
    leaves = selectors.criteria_table(card.emulation_year).leaves
    points = next(c for c in leaves if c.kind == "points")
    services.scorecard_save_agreed(
        scorecard=card, user=demo_user("bacgiang"), version=card.version, entries={points.pk: ("0,5", REASON)}
    )
    return Score.objects.get(scorecard=card, criterion=points)


def test_the_appraisers_change_asks_the_province_for_an_explanation(changed, demo_user):
    asked = Notification.objects.filter(kind=NotificationKind.EXPLANATION_REQUESTED)
    assert set(asked.values_list("recipient__province__code", flat=True)) == {"06"}
    assert asked.filter(recipient=demo_user("backan"), body=REASON).exists()


def test_the_province_answers_and_the_appraiser_is_told(changed, demo_user):
    services.score_explain(score=changed, user=demo_user("backan"), text="  Đã có xác nhận của Cục Thống kê  ")
    changed.refresh_from_db()
    assert changed.explanation == "Đã có xác nhận của Cục Thống kê"
    assert changed.explained_by == demo_user("backan") and changed.explained_at is not None
    assert changed.explanation_read_at is None
    told = Notification.objects.filter(kind=NotificationKind.EXPLANATION_ANSWERED)
    assert set(told.values_list("recipient__province__code", flat=True)) == {"24"}  # Bắc Giang appraises
    assert told.filter(recipient=demo_user("bacgiang"), body="Đã có xác nhận của Cục Thống kê").exists()
    assert changed.history.first().explanation == "Đã có xác nhận của Cục Thống kê"


@pytest.mark.parametrize("username", ["bacgiang", "yenbai", "admin"])
def test_only_the_province_answers(changed, demo_user, username):
    with pytest.raises(ValidationError):
        services.score_explain(score=changed, user=demo_user(username), text="Giải trình")
    changed.refresh_from_db()
    assert changed.explanation == "" and changed.explained_at is None
    assert not Notification.objects.filter(kind=NotificationKind.EXPLANATION_ANSWERED).exists()


def test_an_unchanged_score_and_an_empty_answer_are_refused(changed, demo_user):
    unchanged = Score.objects.filter(scorecard=changed.scorecard).exclude(pk=changed.pk).first()
    with pytest.raises(ValidationError):
        services.score_explain(score=unchanged, user=demo_user("backan"), text="Giải trình")
    with pytest.raises(ValidationError) as error:
        services.score_explain(score=changed, user=demo_user("backan"), text="   ")
    assert "explanation" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.score_explain(score=changed, user=demo_user("backan"), text="x" * 2001)
    assert "explanation" in error.value.message_dict
    assert not Score.objects.filter(scorecard=changed.scorecard, explained_at__isnull=False).exists()


def test_only_the_appraiser_or_an_admin_marks_it_read(changed, demo_user):
    with pytest.raises(ValidationError):  # nothing to read yet
        services.explanation_mark_read(score=changed, user=demo_user("bacgiang"))
    services.score_explain(score=changed, user=demo_user("backan"), text="Đã có xác nhận")
    for username in ("backan", "yenbai"):
        with pytest.raises(ValidationError):
            services.explanation_mark_read(score=changed, user=demo_user(username))
    changed.refresh_from_db()
    assert changed.explanation_read_at is None
    services.explanation_mark_read(score=changed, user=demo_user("admin"))
    changed.refresh_from_db()
    assert changed.explanation_read_by == demo_user("admin")


def test_a_new_reason_needs_the_answer_read_again(changed, demo_user):
    services.score_explain(score=changed, user=demo_user("backan"), text="Đã có xác nhận")
    services.explanation_mark_read(score=changed, user=demo_user("bacgiang"))
    card = changed.scorecard
    card.refresh_from_db()
    services.scorecard_save_agreed(
        scorecard=card,
        user=demo_user("bacgiang"),
        version=card.version,
        entries={changed.criterion_id: ("0,25", "Chỉ được nửa số điểm")},
    )
    changed.refresh_from_db()
    assert changed.explanation_read_at is None
    assert Notification.objects.filter(
        kind=NotificationKind.EXPLANATION_REQUESTED, recipient=demo_user("backan"), body="Chỉ được nửa số điểm"
    ).exists()


def test_the_lock_waits_until_the_appraiser_reads_the_answer(db):
    _cluster, year = build_scored_year(members=3, criteria=4, status=ScorecardStatus.AGREED, prefix="GT ")
    provinces = [m.province for m in year.memberships.order_by("rotation_order")]
    chair, province = UserFactory(province=provinces[0]), UserFactory(province=provinces[2])
    score = Score.objects.filter(scorecard__province=provinces[2]).order_by("criterion__code").first()
    score.self_score, score.agreed_score, score.agreed_reason = Decimal("5"), Decimal("3"), "Thiếu minh chứng"
    score.save()
    services.score_explain(score=score, user=province, text="Minh chứng đã bổ sung")
    with pytest.raises(ValidationError) as error:
        services.scoreboard_lock(emulation_year=year, user=chair)
    assert any(score.criterion.code in m and provinces[2].name in m for m in error.value.messages)
    assert not Scoreboard.objects.filter(emulation_year=year, locked_at__isnull=False).exists()
    services.explanation_mark_read(score=score, user=chair)
    services.scoreboard_lock(emulation_year=year, user=chair)
    assert Scoreboard.objects.get(emulation_year=year).is_locked
    with pytest.raises(ValidationError):  # the scoring is locked: no answer any more
        services.score_explain(score=score, user=province, text="Bổ sung")


def test_the_pages(changed, demo_user, client):
    card, code = changed.scorecard, changed.criterion.code
    explain = reverse("scoring:score_explain", args=[card.pk, changed.criterion_id])
    client.force_login(demo_user("backan"))
    page = client.get(reverse("scoring:scorecard", args=[card.pk])).content.decode()
    assert f'action="{explain}"' in page
    # A refused answer: the page again, the error beside the field, nothing typed lost.
    response = client.post(explain, {"explanation": "y" * 2001})
    assert response.status_code == 400
    assert "y" * 2001 in response.content.decode() and "is-invalid" in response.content.decode()
    response = client.post(explain, {"explanation": "Đã có xác nhận của Cục Thống kê"})
    assert response.status_code == 302
    changed.refresh_from_db()
    assert changed.explanation == "Đã có xác nhận của Cục Thống kê"
    client.force_login(demo_user("bacgiang"))
    assert client.post(explain, {"explanation": "Không"}).status_code == 403
    cross_check = client.get(reverse("scoring:cross_check", args=[card.pk])).content.decode()
    read = reverse("scoring:explanation_read", args=[card.pk, changed.criterion_id])
    assert "Đã có xác nhận của Cục Thống kê" in cross_check and f'action="{read}"' in cross_check
    assert client.post(read).status_code == 302
    changed.refresh_from_db()
    assert changed.explanation_read_by == demo_user("bacgiang")
    assert code in str(changed)

"""Rules found by review: what may no longer change once the year has moved on."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scoring.models import Criterion, Scorecard


def test_criteria_freeze_once_a_scorecard_is_submitted(scoring_demo, demo_user):
    from scoring import services
    from tests.scoring.test_services import fill_all

    scorecard = Scorecard.objects.select_related("emulation_year").get(emulation_year__year=2015, province__code="06")
    fill_all(scorecard, demo_user("backan"))
    services.scorecard_submit(scorecard=Scorecard.objects.get(pk=scorecard.pk), user=demo_user("backan"))
    criterion = Criterion.objects.get(section__emulation_year__year=2015, code="A1")
    criterion.max_points = 1
    with pytest.raises(ValidationError, match="không thể thay đổi bảng tiêu chí"):
        services.criterion_save(criterion=criterion, user=demo_user("bacgiang"))
    assert Criterion.objects.get(pk=criterion.pk).max_points == 10


def test_the_rule_set_freezes_when_the_meeting_confirms_attendance(meeting_2015, demo_user, client):
    from awards import services
    from cluster import services as cluster_services

    meeting = meeting_2015
    year = meeting.emulation_year
    # Set up but not yet confirmed: the chair still changes the rules.
    assert demo_user("bacgiang").has_perm("cluster.change_rule_set", year)
    cluster_services.rule_set_update(rule_set=year.rule_set, data={"quorum_percent": 80})
    present = {d.province_id for d in meeting.delegations.all()}
    services.attendance_confirm(
        meeting=meeting, present=present, delegates={pid: [("Đại biểu", "")] for pid in present}, guests=[]
    )
    year.refresh_from_db()
    assert not demo_user("bacgiang").has_perm("cluster.change_rule_set", year)
    with pytest.raises(ValidationError, match="Bộ quy tắc đã được cố định: hội nghị tổng kết đã xác nhận thành phần"):
        cluster_services.rule_set_update(rule_set=year.rule_set, data={"vote_threshold_percent": 70})
    with pytest.raises(ValidationError, match="Bộ quy tắc đã được cố định"):
        cluster_services.rule_set_apply_preset(rule_set=year.rule_set, preset_key="operating_rules_majority")
    year.rule_set.refresh_from_db()
    assert (year.rule_set.quorum_percent, year.rule_set.vote_threshold_percent) == (80, 50)
    client.force_login(demo_user("bacgiang"))
    url = reverse("cluster:rule_set", args=[year.cluster_id, year.year])
    assert client.post(url, {"quorum_percent": "50"}).status_code == 403
    assert client.post(url, {"action": "preset", "preset": "operating_rules_majority"}).status_code == 403
    page = client.get(url).content.decode()
    assert "Hội nghị tổng kết đã xác nhận thành phần tham dự theo các quy tắc này" in page
    assert 'data-testid="presets"' not in page


def test_the_locked_scoring_does_not_freeze_the_vote_rules_only_its_own_tie_rule(year_2015, demo_user, client):
    """Changed until attendance is confirmed; the ranking's tie rule was applied at the lock."""
    from cluster import services as cluster_services
    from cluster.models import EmulationYear

    year = EmulationYear.objects.get(pk=year_2015.pk)
    assert year.scoreboard.locked_at is not None
    assert demo_user("bacgiang").has_perm("cluster.change_rule_set", year)
    cluster_services.rule_set_update(rule_set=year.rule_set, data={"vote_threshold_percent": 70})
    with pytest.raises(ValidationError) as refused:
        cluster_services.rule_set_update(rule_set=year.rule_set, data={"ranking_tie_rule": "same_rank"})
    assert refused.value.message_dict["ranking_tie_rule"] == [
        "Việc chấm điểm đã khóa: kết quả xếp hạng đã được tính theo quy tắc này, nên không thể thay đổi nữa."
    ]
    year.rule_set.refresh_from_db()
    assert (year.rule_set.vote_threshold_percent, year.rule_set.ranking_tie_rule) == (70, "section_a")
    client.force_login(demo_user("bacgiang"))
    page = client.get(reverse("cluster:rule_set", args=[year.cluster_id, 2015])).content.decode()
    assert re.search(r'<select name="ranking_tie_rule"[^>]*disabled', page)
    assert not re.search(r'<select name="vote_base"[^>]*disabled', page)


def test_a_tampered_id_is_a_404_not_a_crash(demo_2014, demo_user, client):
    client.force_login(demo_user("admin"))
    response = client.post(
        reverse("reports:documents", args=[demo_2014.pk, 2014]), {"kind": "ballot_record", "round": "abc"}
    )
    assert response.status_code == 404


def test_no_scorecard_is_created_in_a_closed_year(demo_2014, demo_user, client):
    from django.utils import timezone

    from cluster.models import EmulationYear

    EmulationYear.objects.filter(year=2015).update(closed_at=timezone.now())
    Scorecard.objects.filter(emulation_year__year=2015, province__code="24").delete()
    client.force_login(demo_user("bacgiang"))
    client.post(reverse("scoring:scorecard_open_own", args=[demo_2014.pk, 2015]))
    assert not Scorecard.objects.filter(emulation_year__year=2015, province__code="24").exists()

"""A request that fails half-way leaves nothing half-saved (each service is one transaction)."""

import pytest
from django.test import Client
from django.urls import reverse

from cluster.models import EmulationYear, Membership, RuleSet
from scoring.models import Score, Scorecard


def test_a_scorecard_save_failing_after_its_first_writes_saves_nothing(scoring_demo, demo_user, monkeypatch):
    from scoring import selectors, services

    scorecard = Scorecard.objects.get(emulation_year__year=2015, province__code="06")
    before = sorted(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "note"))
    leaves = {c.code: c for c in selectors.criteria_table(scorecard.emulation_year).leaves}

    def crash(**kwargs):
        raise RuntimeError("disk full while recalculating")

    monkeypatch.setattr(services, "scorecard_recalculate", crash)  # runs after the scores are written
    client = Client(raise_request_exception=False)
    client.force_login(demo_user("backan"))
    response = client.post(
        reverse("scoring:scorecard", args=[scorecard.pk]),
        {"version": scorecard.version, f"score_{leaves['A1'].pk}": "3", f"score_{leaves['C1'].pk}": "4,5", "save": "1"},
    )
    assert response.status_code == 500
    scorecard.refresh_from_db()
    assert sorted(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "note")) == before


def test_a_rotation_failing_half_way_opens_nothing(demo, demo_user, monkeypatch):
    from cluster import services

    def crash(**kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(services, "term_assign", crash)  # after the year, its rule set and members are created
    client = Client(raise_request_exception=False)
    client.force_login(demo_user("admin"))
    data = {
        "chair": Membership.objects.get(year=2015, province__code="06").province_id,
        "vice_chair": Membership.objects.get(year=2015, province__code="17").province_id,
    }
    for m in Membership.objects.filter(year=2015):
        data[f"member_{m.province_id}"] = "on"
        data[f"order_{m.province_id}"] = m.rotation_order
    assert client.post(reverse("cluster:rotation", args=[demo.pk]), data).status_code == 500
    assert not EmulationYear.objects.filter(year=2016).exists()
    assert (
        not Membership.objects.filter(year=2016).exists()
        and not RuleSet.objects.filter(emulation_year__year=2016).exists()
    )


@pytest.mark.parametrize(
    "bad", ["<script>alert(1)</script>", "x" * 5000, "\x00\x01\x02", "=cmd|' /C calc'!A0", "-1e308", "９,５"]
)
def test_hostile_values_get_a_clear_error_or_are_stored_harmlessly(scoring_demo, demo_user, bad):
    from scoring import selectors

    scorecard = Scorecard.objects.get(emulation_year__year=2015, province__code="06")
    a1 = next(c for c in selectors.criteria_table(scorecard.emulation_year).leaves if c.code == "A1")
    client = Client()
    client.force_login(demo_user("backan"))
    url = reverse("scoring:scorecard", args=[scorecard.pk])
    response = client.post(
        url, {"version": scorecard.version, f"score_{a1.pk}": bad, f"note_{a1.pk}": bad, "save": "1"}
    )
    assert response.status_code in (302, 400)
    page = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in page  # escaped wherever it is shown
    score = Score.objects.filter(scorecard=scorecard, criterion=a1).first()
    assert score is None or score.note in ("", bad.replace("\x00", "").strip()) or len(score.note) <= 2000

"""A request that fails half-way leaves nothing half-saved (each service is one transaction)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cluster.models import EmulationYear, Membership, RuleSet
from scoring.models import Score, Scorecard


@pytest.mark.parametrize("where", ["totals", "scorecard written"])
def test_a_scorecard_save_failing_after_its_first_writes_saves_nothing(scoring_demo, demo_user, monkeypatch, where):
    """A failure once the scores and their history are written (computing the totals), or once
    the scorecard's new version and totals are written too: nothing of the save is kept."""
    from scoring import selectors, services

    scorecard = Scorecard.objects.get(emulation_year__year=2015, province__code="06")
    before = sorted(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "note"))
    card_before = (scorecard.version, scorecard.self_total, Scorecard.history.filter(id=scorecard.pk).count())
    leaves = {c.code: c for c in selectors.criteria_table(scorecard.emulation_year).leaves}

    def crash(*args, **kwargs):
        raise RuntimeError("disk full while recalculating")

    if where == "totals":
        monkeypatch.setattr(services, "_set_totals", crash)
    else:
        written = Scorecard.save

        def save_then_crash(self, *args, **kwargs):
            written(self, *args, **kwargs)
            crash()

        monkeypatch.setattr(Scorecard, "save", save_then_crash)
    client = Client(raise_request_exception=False)
    client.force_login(demo_user("backan"))
    response = client.post(
        reverse("scoring:scorecard", args=[scorecard.pk]),
        {"version": scorecard.version, f"score_{leaves['A1'].pk}": "3", f"score_{leaves['C1'].pk}": "4,5", "save": "1"},
    )
    assert response.status_code == 500
    scorecard.refresh_from_db()
    assert sorted(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "note")) == before
    assert (scorecard.version, scorecard.self_total, Scorecard.history.filter(id=scorecard.pk).count()) == card_before


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
    ("bad", "error"),
    [
        ("<script>alert(1)</script>", "Giá trị này chỉ có tối đa 20 kí tự (hiện có 25)"),
        ("x" * 5000, "Giá trị này chỉ có tối đa 2000 kí tự (hiện có 5000)"),
        ("\x00\x01\x02", "Null characters are not allowed."),
        ("=cmd|' /C calc'!A0", "Hãy nhập một số, ví dụ 8,5."),
        ("-1e308", "Số này quá lớn so với một điểm số."),
    ],
)
def test_a_hostile_score_is_refused_next_to_the_field_and_nothing_is_saved(scoring_demo, demo_user, bad, error):
    from scoring import selectors

    scorecard = Scorecard.objects.get(emulation_year__year=2015, province__code="06")
    a1 = next(c for c in selectors.criteria_table(scorecard.emulation_year).leaves if c.code == "A1")
    before = list(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "note"))
    client = Client()
    client.force_login(demo_user("backan"))
    url = reverse("scoring:scorecard", args=[scorecard.pk])
    response = client.post(
        url, {"version": scorecard.version, f"score_{a1.pk}": bad, f"note_{a1.pk}": bad, "save": "1"}
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()  # the typed value comes back escaped
    assert list(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "note")) == before


@pytest.mark.parametrize("note", ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "-1e308"])
def test_a_hostile_note_is_stored_as_typed_and_shown_escaped(scoring_demo, demo_user, note):
    from scoring import selectors

    scorecard = Scorecard.objects.get(emulation_year__year=2015, province__code="06")
    a1 = next(c for c in selectors.criteria_table(scorecard.emulation_year).leaves if c.code == "A1")
    client = Client()
    client.force_login(demo_user("backan"))
    url = reverse("scoring:scorecard", args=[scorecard.pk])
    response = client.post(
        url, {"version": scorecard.version, f"score_{a1.pk}": "5", f"note_{a1.pk}": note, "save": "1"}
    )
    assert response.status_code == 302
    score = Score.objects.get(scorecard=scorecard, criterion=a1)
    assert (score.self_score, score.note) == (Decimal("5"), note)
    page = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in page and escape(note) in page


def test_full_width_digits_are_read_as_the_number_they_show(scoring_demo, demo_user):
    from scoring import selectors

    scorecard = Scorecard.objects.get(emulation_year__year=2015, province__code="06")
    a1 = next(c for c in selectors.criteria_table(scorecard.emulation_year).leaves if c.code == "A1")
    client = Client()
    client.force_login(demo_user("backan"))
    url = reverse("scoring:scorecard", args=[scorecard.pk])
    assert client.post(url, {"version": scorecard.version, f"score_{a1.pk}": "９,５", "save": "1"}).status_code == 302
    assert Score.objects.get(scorecard=scorecard, criterion=a1).self_score == Decimal("9.5")

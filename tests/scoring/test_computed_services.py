"""A computed criterion: the province reports the figure, the self-score follows from it."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from scoring import services
from scoring.models import Criterion, Score
from tests.scoring.test_services import card, leaves


def make_target(year, code="A1", *, target="40", floor="20", maximum=None):
    criterion = Criterion.objects.get(section__emulation_year__year=year, code=code)
    criterion.kind, criterion.unit = "target", "%"
    criterion.target_value, criterion.floor_value = D(target), D(floor) if floor else None
    if maximum:
        criterion.max_points = D(maximum)
    criterion.save()
    return criterion


def test_the_figure_is_kept_and_the_score_computed(scoring_demo, demo_user):
    criterion = make_target(2015)
    scorecard = card(2015, "06")
    maximum = criterion.max_points
    services.scorecard_save_self(
        scorecard=scorecard, user=demo_user("backan"), version=scorecard.version, entries={criterion.pk: ("43,5", "")}
    )
    score = Score.objects.get(scorecard=scorecard, criterion=criterion)
    assert (score.reported_value, score.self_score) == (D("43.50"), maximum)
    scorecard.refresh_from_db()
    services.scorecard_save_self(
        scorecard=scorecard, user=demo_user("backan"), version=scorecard.version, entries={criterion.pk: ("30", "")}
    )
    score.refresh_from_db()
    assert score.reported_value == D("30.00")
    assert score.self_score == services.calculations.round_points(maximum * 30 / 40)


@pytest.mark.parametrize("typed", ["-5", "abc", "1,234"])
def test_a_bad_figure_is_refused_and_nothing_saved(scoring_demo, demo_user, typed):
    criterion = make_target(2015)
    scorecard = card(2015, "06")
    a2 = leaves(2015)["A2"]
    before = list(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "reported_value"))
    with pytest.raises(ValidationError) as caught:
        services.scorecard_save_self(
            scorecard=scorecard,
            user=demo_user("backan"),
            version=scorecard.version,
            entries={criterion.pk: (typed, ""), a2.pk: ("1", "")},
        )
    assert f"score_{criterion.pk}" in caught.value.message_dict
    after = list(Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "reported_value"))
    assert before == after


def test_occurrence_count_must_be_whole(scoring_demo, demo_user):
    criterion = Criterion.objects.get(section__emulation_year__year=2015, code="A2")
    criterion.kind, criterion.points_per_occurrence = "occurrence", D("1")
    criterion.save()
    scorecard = card(2015, "06")
    with pytest.raises(ValidationError) as caught:
        services.scorecard_save_self(
            scorecard=scorecard,
            user=demo_user("backan"),
            version=scorecard.version,
            entries={criterion.pk: ("2,5", "")},
        )
    assert caught.value.message_dict[f"score_{criterion.pk}"]


def test_criterion_save_refuses_a_target_without_target(scoring_demo):
    criterion = Criterion.objects.get(section__emulation_year__year=2015, code="A1")
    criterion.kind = "target"
    with pytest.raises(ValidationError) as caught:
        services.criterion_save(criterion=criterion)
    assert "target_value" in caught.value.message_dict
    criterion.target_value, criterion.floor_value = D("40"), D("50")
    with pytest.raises(ValidationError) as caught:
        services.criterion_save(criterion=criterion)
    assert "floor_value" in caught.value.message_dict
    criterion.floor_value = D("20")
    services.criterion_save(criterion=criterion)
    criterion.refresh_from_db()
    assert criterion.kind == "target" and criterion.target_value == D("40")


def test_the_scorecard_page_asks_for_the_figure_and_shows_the_computed_score(scoring_demo, demo_user, client):
    from django.urls import reverse

    criterion = make_target(2015)
    scorecard = card(2015, "06")
    client.force_login(demo_user("backan"))
    url = reverse("scoring:scorecard", args=[scorecard.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="figure-help"' in page and "40" in page
    response = client.post(url, {"version": scorecard.version, f"score_{criterion.pk}": "-3", "save": "1"})
    assert f"score_{criterion.pk}_error" in response.content.decode()
    assert not Score.objects.filter(scorecard=scorecard, criterion=criterion, reported_value__isnull=False).exists()
    client.post(url, {"version": scorecard.version, f"score_{criterion.pk}": "43,5", "save": "1"})
    score = Score.objects.get(scorecard=scorecard, criterion=criterion)
    assert score.reported_value == D("43.50") and score.self_score == criterion.max_points
    page = client.get(url).content.decode()
    assert 'data-testid="computed-score"' in page and 'value="43,50"' in page


def test_the_criterion_form_sets_a_target_and_refuses_a_missing_one_next_to_the_field(scoring_demo, demo_user, client):
    from django.urls import reverse

    criterion = Criterion.objects.select_related("section__emulation_year__cluster").get(
        section__emulation_year__year=2015, code="A1"
    )
    year = criterion.section.emulation_year
    url = reverse("scoring:criterion_edit", args=[year.cluster.pk, year.year, criterion.pk])
    from tests.factories import AdminFactory

    client.force_login(AdminFactory())
    data = {
        "section": criterion.section_id,
        "code": "A1",
        "title": criterion.title,
        "kind": "target",
        "max_points": "10",
        "unit": "%",
        "target_value": "",
        "order": 1,
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "target_value" in response.context["form"].errors
    data.update(target_value="40", floor_value="20")
    client.post(url, data)
    criterion.refresh_from_db()
    assert (criterion.kind, criterion.unit, criterion.target_value, criterion.floor_value) == (
        "target",
        "%",
        D("40"),
        D("20"),
    )

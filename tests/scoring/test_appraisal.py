"""Nobody confirms their own scores: the chair appraises the members, the vice-chair the chair."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scoring import selectors, services
from scoring.enums import ScorecardStatus
from scoring.models import Score, Scorecard


def submitted(code, demo_user, username):
    """The 2015 scorecard of province `code`, every criterion self-scored and submitted."""
    from cluster.models import EmulationYear

    year = EmulationYear.objects.get(year=2015)
    card = services.scorecard_get_or_create(emulation_year=year, province=demo_user(username).province)
    leaves = selectors.criteria_table(year).leaves
    entries = {c.pk: ("0" if c.kind == "deduction" else "1", "") for c in leaves}
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {c.pk: [SimpleUploadedFile("mc.pdf", b"%PDF-1.4 x")] for c in leaves if c.evidence_required}
    services.scorecard_save_self(
        scorecard=card, user=demo_user(username), version=card.version, entries=entries, files=files
    )
    card.refresh_from_db()
    services.scorecard_submit(scorecard=card, user=demo_user(username))
    card.refresh_from_db()
    assert card.province.code == code and card.status == ScorecardStatus.SUBMITTED
    return card


@pytest.fixture
def chair_card(scoring_demo, demo_user):
    return submitted("24", demo_user, "bacgiang")  # Bắc Giang chairs 2015


def test_the_chair_cannot_agree_its_own_scorecard(chair_card, demo_user, client):
    with pytest.raises(ValidationError, match="Không ai thẩm định bảng điểm của chính tỉnh mình"):
        services.scorecard_agree_unchanged(scorecard=chair_card, user=demo_user("bacgiang"), version=chair_card.version)
    client.force_login(demo_user("bacgiang"))
    assert client.get(reverse("scoring:cross_check", args=[chair_card.pk])).status_code == 403
    assert (
        client.post(reverse("scoring:cross_check", args=[chair_card.pk]), {"agree_unchanged": "1"}).status_code == 403
    )
    assert not Score.objects.filter(scorecard=chair_card, agreed_score__isnull=False).exists()


def test_another_member_cannot_appraise(chair_card, demo_user):
    with pytest.raises(ValidationError, match="Chỉ tỉnh thẩm định"):
        services.scorecard_return(scorecard=chair_card, user=demo_user("yenbai"), reason="Thiếu minh chứng")
    chair_card.refresh_from_db()
    assert chair_card.status == ScorecardStatus.SUBMITTED


def test_the_vice_chair_appraises_the_chair_and_the_history_names_who_agreed(chair_card, demo_user, client):
    client.force_login(demo_user("backan"))
    url = reverse("scoring:cross_check", args=[chair_card.pk])
    page = client.get(url).content.decode()
    assert 'name="agree_unchanged"' in page
    assert 'value="1,00"' not in page  # the form starts empty
    response = client.post(url, {"agree_unchanged": "1", "version": chair_card.version}, follow=True)
    assert "Đã thống nhất điểm mọi tiêu chí của bảng điểm này." in response.content.decode()
    chair_card.refresh_from_db()
    assert chair_card.status == ScorecardStatus.AGREED
    score = Score.objects.filter(scorecard=chair_card).exclude(agreed_score__isnull=True).first()
    assert score.agreed_score == score.self_score
    assert score.history.first().history_user.username == "backan"


def test_the_chair_appraises_the_other_members_not_the_vice_chair(scoring_demo, demo_user):
    card = submitted("19", demo_user, "thainguyen")
    with pytest.raises(ValidationError, match="Chỉ tỉnh thẩm định"):
        services.scorecard_agree_unchanged(scorecard=card, user=demo_user("backan"), version=card.version)
    services.scorecard_agree_unchanged(scorecard=card, user=demo_user("bacgiang"), version=card.version)
    assert Scorecard.objects.get(pk=card.pk).status == ScorecardStatus.AGREED


def test_the_year_s_rules_may_name_another_appraiser_of_the_chair(chair_card, demo_user, client):
    from cluster import services as cluster_services

    rule_set = chair_card.emulation_year.rule_set
    yen_bai = demo_user("yenbai").province
    with pytest.raises(ValidationError) as refused:
        cluster_services.rule_set_update(rule_set=rule_set, data={"chair_appraiser": demo_user("bacgiang").province})
    assert list(refused.value.message_dict) == ["chair_appraiser"]
    cluster_services.rule_set_update(rule_set=rule_set, data={"chair_appraiser": yen_bai})
    card = Scorecard.objects.select_related("emulation_year").get(pk=chair_card.pk)
    with pytest.raises(ValidationError, match="Chỉ tỉnh thẩm định"):
        services.scorecard_agree_unchanged(scorecard=card, user=demo_user("backan"), version=card.version)
    services.scorecard_agree_unchanged(scorecard=card, user=demo_user("yenbai"), version=card.version)
    assert Scorecard.objects.get(pk=card.pk).status == ScorecardStatus.AGREED
    client.force_login(demo_user("bacgiang"))
    page = client.get(reverse("cluster:rule_set", args=[card.emulation_year.cluster_id, 2015])).content.decode()
    assert 'name="chair_appraiser"' in page and "Cụm phó" in page

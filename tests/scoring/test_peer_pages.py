"""The cross-scoring pages: a member scores another's scorecard (refused values kept next to the
field, nothing saved), submits after a confirmation and then sees the others; the chair follows,
assigns pairs and agrees the scores; the scored province reads the differing cross-scores with
their reasons (the scorer named or not, as the year says) and explains them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cluster.enums import DeadlineKey
from cluster.models import YearDeadline
from scoring import services_peer
from scoring.enums import AgreedSource
from scoring.models import PeerReview, PeerScore, Score, Scorecard
from tests.scoring.conftest import entries_for


def _scored(target, user, value, reason="Minh chứng chưa đủ"):
    review = services_peer.peer_review_get_or_create(scorecard=target, user=user)
    services_peer.peer_review_save(
        review=review, user=user, version=review.version, entries=entries_for(target, value, reason)
    )
    services_peer.peer_review_submit(review=review, user=user)
    return review


def _form(card, value, reason=""):
    data = {"version": "0", "save": "1"}
    for score in Score.objects.filter(scorecard=card):
        data[f"peer_{score.criterion_id}"] = value
        data[f"reason_{score.criterion_id}"] = reason
    return data


def test_the_year_page_lists_what_a_member_scores_and_the_chair_s_progress(world, client):
    year, cards, users = world
    url = reverse("scoring:cross_scoring", args=[year.cluster_id, year.year])
    client.force_login(users[2])
    page = client.get(url).content.decode()
    assert page.count('data-testid="peer-state"') == 3  # every other member, never its own
    assert f'data-province="{cards[2].province.name}"' not in page.split('data-testid="peer-tasks"')[1]
    assert "Tiến độ chấm chéo" not in page
    client.force_login(users[0])  # the chair
    page = client.get(url).content.decode()
    assert 'data-testid="peer-progress"' in page and "0 / 3" in page
    year.rule_set.scoring_mode = "appraisal"
    year.rule_set.save()
    assert client.get(url).status_code == 403  # no cross-scoring this year


def test_a_member_scores_submits_and_then_sees_the_others(world, client):
    year, cards, users = world
    target = cards[3]
    _scored(target, users[1], "6")  # another member has submitted already
    url = reverse("scoring:peer_review", args=[target.pk])
    client.force_login(users[2])
    page = client.get(url).content.decode()
    assert "chấm chéo của các thành viên khác được ẩn" in page.lower() or "ẩn" in page
    assert "Minh chứng chưa đủ" not in page  # hidden until one's own is submitted

    # A refused value: 400, the message next to the field, the typed values kept, nothing saved.
    refused = client.post(url, _form(target, "11"))
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "invalid-feedback" in body and 'value="11"' in body
    assert not PeerScore.objects.filter(review__scorer=users[2].province).exists()
    # A difference without its reason is refused too.
    assert client.post(url, _form(target, "7")).status_code == 400
    assert not PeerScore.objects.filter(review__scorer=users[2].province).exists()

    assert client.post(url, _form(target, "7", "Thiếu hồ sơ khen thưởng")).status_code == 302
    review = PeerReview.objects.get(scorecard=target, scorer=users[2].province)
    assert review.scores.count() == 4 and review.submitted_at is None
    assert 'value="7,00"' in client.get(url).content.decode()

    data = _form(target, "7", "Thiếu hồ sơ khen thưởng")
    data.update(version=str(review.version), submit="1")
    del data["save"]
    confirm = client.post(url, data)
    assert confirm.status_code == 200 and reverse("scoring:peer_submit", args=[target.pk]) in confirm.content.decode()
    assert client.post(reverse("scoring:peer_submit", args=[target.pk]), {"confirmed": "1"}).status_code == 302
    review.refresh_from_db()
    assert review.submitted_at is not None
    page = client.get(url).content.decode()
    assert 'data-testid="peer-submitted"' in page and 'name="peer_' not in page
    assert "Minh chứng chưa đủ" in page and cards[1].province.name in page  # the others, now


def test_nobody_scores_their_own_or_a_draft_from_the_page(world, client):
    year, cards, users = world
    client.force_login(users[1])
    assert client.get(reverse("scoring:peer_review", args=[cards[1].pk])).status_code == 403
    assert client.post(reverse("scoring:peer_review", args=[cards[1].pk]), _form(cards[1], "8")).status_code == 403
    Scorecard.objects.filter(pk=cards[2].pk).update(status="draft")
    assert client.get(reverse("scoring:peer_review", args=[cards[2].pk])).status_code == 404  # a draft is private
    assert not PeerReview.objects.exists()


def test_the_chair_reads_every_cross_score_and_agrees_them(world, client):
    year, cards, users = world
    target = cards[2]
    _scored(target, users[1], "9")
    _scored(target, users[3], "5")
    url = reverse("scoring:peer_results", args=[target.pk])
    client.force_login(users[1])
    assert client.get(url).status_code == 403  # a scorer is not the chair
    client.force_login(users[0])
    page = client.get(url).content.decode()
    assert cards[1].province.name in page and cards[3].province.name in page
    assert page.count('data-testid="spread-flag"') == 4  # 9 − 5 = 4 > 2
    assert client.post(reverse("scoring:peer_aggregate", args=[target.pk])).status_code == 302
    score = Score.objects.filter(scorecard=target).first()
    assert score.agreed_score == Decimal("7.00") and score.agreed_source == AgreedSource.PEER


@pytest.mark.parametrize("shows_scorer", [False, True])
def test_the_scored_province_reads_the_differences_and_explains(world, client, shows_scorer):
    year, cards, users = world
    year.rule_set.explanation_shows_scorer = shows_scorer
    year.rule_set.save()
    target = cards[2]
    _scored(target, users[1], "6", "Chưa có quyết định khen thưởng")
    _scored(target, users[3], "8", "")  # as self-scored: not a difference
    services_peer.peer_aggregate(scorecard=target, user=users[0])
    YearDeadline.objects.update_or_create(
        emulation_year=year, key=DeadlineKey.EXPLANATIONS, defaults={"closes_on": "2099-12-31"}
    )
    client.force_login(users[2])
    page = client.get(reverse("scoring:scorecard", args=[target.pk])).content.decode()
    assert page.count('data-testid="given-cross-score"') == 4  # one differing score per criterion
    assert "Chưa có quyết định khen thưởng" in page
    assert (cards[1].province.name in page.split('data-testid="given-cross-scores"')[1]) is shows_scorer
    assert ("Thành viên 1" in page) is not shows_scorer
    assert "31/12/2099" in page  # the explanations' deadline beside the answer
    score = Score.objects.filter(scorecard=target).order_by("pk").first()
    answer = client.post(
        reverse("scoring:score_explain", args=[target.pk, score.criterion_id]),
        {"explanation": "Quyết định số 12/QĐ-UBND đã ban hành"},
    )
    assert answer.status_code == 302
    score.refresh_from_db()
    assert score.explanation.startswith("Quyết định số 12")
    # The lock waits until the chair has read it; the chair reads it on the appraisal page.
    client.force_login(users[0])
    assert "Quyết định số 12" in client.get(reverse("scoring:cross_check", args=[target.pk])).content.decode()
    client.post(reverse("scoring:explanation_read", args=[target.pk, score.criterion_id]))
    score.refresh_from_db()
    assert score.explanation_read_at is not None


def test_a_member_whose_score_matches_has_nothing_to_explain(world, client):
    year, cards, users = world
    target = cards[2]
    _scored(target, users[1], "8", "")
    client.force_login(users[2])
    score = Score.objects.filter(scorecard=target).first()
    answer = client.post(
        reverse("scoring:score_explain", args=[target.pk, score.criterion_id]), {"explanation": "Không có gì"}
    )
    assert answer.status_code == 400
    assert Score.objects.get(pk=score.pk).explanation == ""


def test_the_chair_assigns_pairs_and_a_started_pair_stays(world, client):
    year, cards, users = world
    year.rule_set.peer_assignment = "pairs"
    year.rule_set.save()
    client.force_login(users[0])
    url = reverse("scoring:peer_pairs", args=[year.cluster_id, year.year])
    pairs = [f"{cards[1].province_id}-{cards[2].pk}", f"{cards[3].province_id}-{cards[2].pk}"]
    own = f"{cards[2].province_id}-{cards[2].pk}"
    assert client.post(url, {"pair": [*pairs, own]}).status_code == 302  # its own: refused, nothing saved
    assert not PeerReview.objects.exists()
    client.post(url, {"pair": pairs})
    assert set(PeerReview.objects.values_list("scorer_id", flat=True)) == {cards[1].province_id, cards[3].province_id}
    review = PeerReview.objects.get(scorer=cards[1].province)
    services_peer.peer_review_save(
        review=review, user=users[1], version=review.version, entries=entries_for(cards[2], "8")
    )
    response = client.post(url, {"pair": []}, follow=True)
    assert "đã bắt đầu chấm" in response.content.decode()
    assert list(PeerReview.objects.values_list("scorer_id", flat=True)) == [cards[1].province_id]
    client.force_login(users[2])
    assert client.post(url, {"pair": pairs}).status_code == 403  # only the chair


def test_the_scoreboard_the_detailed_table_and_the_documents_say_which_mode_agreed(world, client):
    from django.utils import translation

    from reports.services import render_html
    from scoring import selectors, selectors_peer
    from scoring.excel import score_detail_workbook

    year, cards, users = world
    target = cards[2]
    _scored(target, users[1], "6")
    services_peer.peer_aggregate(scorecard=target, user=users[0])
    # Another scorecard appraised by the chair: the line then counts both.
    other = cards[3]
    Score.objects.filter(scorecard=other).update(agreed_score=Decimal("8"), agreed_source=AgreedSource.APPRAISAL)
    client.force_login(users[1])
    page = client.get(reverse("scoring:scoreboard", args=[year.cluster_id, year.year])).content.decode()
    line = page.split('data-testid="agreed-by">')[1].split("</p>")[0]
    assert "chấm chéo" in line and "4 tiêu chí" in line and "thẩm định đối với 4 tiêu chí" in line
    with translation.override("vi"):
        text = selectors.score_detail_table(year).agreed_by.text
    assert text == line
    sheet = score_detail_workbook(year).active
    assert text in sheet["A2"].value
    html = render_html("reports/pdf/score_detail.html", {"detail": selectors.score_detail_table(year)})
    assert text in html
    # A year appraised by the chair alone says so.
    Score.objects.filter(scorecard=target).update(agreed_source=AgreedSource.APPRAISAL)
    with translation.override("vi"):
        assert "thẩm định của Cụm trưởng" in selectors_peer.agreed_by(year).text

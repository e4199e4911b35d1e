"""Cross-scoring services (scoring.services_peer): who may score whom, bad input, aggregation."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from scoring import services_peer
from scoring.enums import AgreedSource, ScorecardStatus
from scoring.models import PeerScore, Score, Scorecard
from tests.scoring.conftest import entries_for


def test_members_cross_score_and_the_chair_aggregates(world):
    year, cards, users = world
    target = cards[2]
    for user, value in ((users[0], "9"), (users[1], "6"), (users[3], "8")):
        review = services_peer.peer_review_get_or_create(scorecard=target, user=user)
        reason = "" if value == "8" else "Minh chứng chưa đủ"
        services_peer.peer_review_save(review=review, user=user, version=0, entries=entries_for(target, value, reason))
        services_peer.peer_review_submit(review=review, user=user)
    chair = users[0]  # build_scored_year makes the first province the chair
    assert services_peer.peer_aggregate(scorecard=target, user=chair) == 4
    score = Score.objects.filter(scorecard=target).first()
    assert score.agreed_score == Decimal("7.67") and score.agreed_source == AgreedSource.PEER
    assert score.peer_spread_flagged  # 9 − 6 = 3 > 2
    assert "Trung bình" in score.agreed_reason or "Mean" in score.agreed_reason
    assert Scorecard.objects.get(pk=target.pk).status == ScorecardStatus.AGREED
    services_peer.peer_aggregate(scorecard=target, user=chair)  # twice: the same values
    assert Score.objects.get(pk=score.pk).agreed_score == Decimal("7.67")


def test_bad_input_is_refused_and_nothing_is_saved(world):
    year, cards, users = world
    target = cards[1]
    with pytest.raises(ValidationError, match="của chính tỉnh mình"):
        services_peer.peer_review_get_or_create(scorecard=target, user=users[1])
    review = services_peer.peer_review_get_or_create(scorecard=target, user=users[2])
    with pytest.raises(ValidationError) as refused:
        services_peer.peer_review_save(review=review, user=users[2], version=0, entries=entries_for(target, "11"))
    assert any("above" in m or "vượt" in m or "lớn" in m or "10" in m for m in refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        services_peer.peer_review_save(review=review, user=users[2], version=0, entries=entries_for(target, "7"))
    assert list(refused.value.message_dict)[0].startswith("reason_")
    assert not PeerScore.objects.filter(review=review).exists()
    with pytest.raises(ValidationError):
        services_peer.peer_review_submit(review=review, user=users[2])
    Scorecard.objects.filter(pk=target.pk).update(status=ScorecardStatus.DRAFT)
    with pytest.raises(ValidationError, match="submitted|nộp"):
        services_peer.peer_review_get_or_create(scorecard=Scorecard.objects.get(pk=target.pk), user=users[3])


def test_others_scores_are_hidden_until_one_has_submitted(world):
    year, cards, users = world
    target = cards[3]
    first = services_peer.peer_review_get_or_create(scorecard=target, user=users[1])
    services_peer.peer_review_save(review=first, user=users[1], version=0, entries=entries_for(target, "8"))
    services_peer.peer_review_submit(review=first, user=users[1])
    second = services_peer.peer_review_get_or_create(scorecard=target, user=users[2])
    assert not services_peer.peer_scores_visible_to(target, users[2]).exists()
    services_peer.peer_review_save(review=second, user=users[2], version=0, entries=entries_for(target, "8"))
    services_peer.peer_review_submit(review=second, user=users[2])
    assert services_peer.peer_scores_visible_to(target, users[2]).count() == 8


def test_pairs_mode_needs_the_chairs_assignment(world):
    year, cards, users = world
    year.rule_set.peer_assignment = "pairs"
    year.rule_set.save()
    with pytest.raises(ValidationError, match="chair|Cụm trưởng"):
        services_peer.peer_review_get_or_create(scorecard=cards[2], user=users[3])
    with pytest.raises(ValidationError):
        services_peer.peer_pairs_assign(emulation_year=year, user=users[3], pairs=[(cards[3].province_id, cards[2])])
    with pytest.raises(ValidationError, match="của chính tỉnh mình"):
        services_peer.peer_pairs_assign(emulation_year=year, user=users[0], pairs=[(cards[2].province_id, cards[2])])
    services_peer.peer_pairs_assign(emulation_year=year, user=users[0], pairs=[(cards[3].province_id, cards[2])])
    assert services_peer.peer_review_get_or_create(scorecard=cards[2], user=users[3]).scorer_id == cards[3].province_id

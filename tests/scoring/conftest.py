"""Fixtures of the scoring tests: a year whose four members cross-score each other."""

from decimal import Decimal

import pytest

from scoring.models import Score, Scorecard
from tests.factories import UserFactory
from tests.scoring.builders import build_scored_year


@pytest.fixture
def world(db):
    cluster, year = build_scored_year(members=4, criteria=4, year=2031, prefix="Chéo ")
    rule = year.rule_set
    rule.scoring_mode, rule.peer_aggregation, rule.peer_spread_limit = "peer", "mean", Decimal("2")
    rule.save()
    cards = list(Scorecard.objects.filter(emulation_year=year).order_by("province__code"))
    users = [UserFactory(province=card.province) for card in cards]
    Score.objects.filter(scorecard__emulation_year=year).update(agreed_score=None, self_score=Decimal("8"))
    return year, cards, users


def entries_for(card, value, reason=""):
    return {s.criterion_id: (value, reason) for s in Score.objects.filter(scorecard=card)}

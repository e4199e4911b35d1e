"""The ballot rules as tables: thresholds and bases, impossible counts, ties under each
tie rule, quorum."""

from decimal import Decimal as D

import pytest

from awards.ballot import MEMBERS, NEW_ROUND, RANKING, VALID_BALLOTS, RoundCount, check_counts, decide, has_quorum


def count(votes, issued=7, returned=7, valid=7, invalid=0, seats=1):
    return RoundCount(issued=issued, returned=returned, valid=valid, invalid=invalid, votes=votes, seats=seats)


@pytest.mark.parametrize(
    ("votes", "valid", "members", "threshold", "strict", "base", "elected"),
    [
        # more than 50% of members (7): 4 passes, 3 doesn't
        ({"TN": 4, "PT": 3}, 7, 7, "50", True, MEMBERS, {"TN"}),
        ({"TN": 3, "PT": 3}, 6, 7, "50", True, MEMBERS, set()),
        # exactly 50%: "more than" refuses, "at least" accepts
        ({"TN": 3, "PT": 3}, 6, 6, "50", True, MEMBERS, set()),
        ({"TN": 3}, 6, 6, "50", False, MEMBERS, {"TN"}),
        # at least 70% of valid ballots: 5/7 = 71,4% passes; 5/8 = 62,5% does not
        ({"TN": 5, "PT": 2}, 7, 9, "70", False, VALID_BALLOTS, {"TN"}),
        ({"TN": 5, "PT": 3}, 8, 8, "70", False, VALID_BALLOTS, set()),
        # the base matters: 5 of 6 valid is 83% of ballots but 5/9 = 55,6% of members
        ({"TN": 5}, 6, 9, "70", False, VALID_BALLOTS, {"TN"}),
        ({"TN": 5}, 6, 9, "70", False, MEMBERS, set()),
        # 6/7 = 85,7% ≥ 70% of members
        ({"TN": 6, "PT": 1}, 7, 7, "70", False, MEMBERS, {"TN"}),
    ],
)
def test_threshold_and_base(votes, valid, members, threshold, strict, base, elected):
    outcome = decide(
        count(votes, valid=valid, returned=valid, issued=valid),
        members=members,
        threshold_percent=D(threshold),
        strict=strict,
        base=base,
        tie_rule=NEW_ROUND,
    )
    assert {r.key for r in outcome.results if r.elected} == elected
    assert not outcome.needs_new_round


def test_percent_is_explained():
    outcome = decide(
        count({"TN": 6, "PT": 1}), members=7, threshold_percent=D("70"), strict=False, base=MEMBERS, tie_rule=NEW_ROUND
    )
    tn = outcome.results[0]
    assert (tn.key, tn.votes, tn.base, tn.percent, tn.passes, tn.elected) == ("TN", 6, 7, D("85.7"), True, True)


@pytest.mark.parametrize(
    ("votes", "seats", "tie_rule", "elected", "new_round", "tied"),
    [
        # two seats, three pass, two tie at the cut-off → a new round between them
        ({"PT": 6, "BG": 5, "HB": 5}, 2, NEW_ROUND, {"PT"}, True, ("BG", "HB")),
        # ...or the score ranking decides (HB ranked 3rd, BG 4th)
        ({"PT": 6, "BG": 5, "HB": 5}, 2, RANKING, {"PT", "HB"}, False, ()),
        # one seat, two tie on top
        ({"TN": 5, "PT": 5}, 1, NEW_ROUND, set(), True, ("PT", "TN")),
        ({"TN": 5, "PT": 5}, 1, RANKING, {"TN"}, False, ()),
        # a tie below the cut-off is no tie
        ({"TN": 6, "PT": 5, "BG": 5}, 1, NEW_ROUND, {"TN"}, False, ()),
    ],
)
def test_ties_at_the_cut_off(votes, seats, tie_rule, elected, new_round, tied):
    ranking = {"TN": 1, "PT": 2, "HB": 3, "BG": 4}
    outcome = decide(
        count(votes, valid=10, returned=10, issued=10, seats=seats),
        members=8,
        threshold_percent=D("50"),
        strict=True,
        base=MEMBERS,
        tie_rule=tie_rule,
        ranking=ranking,
    )
    assert {r.key for r in outcome.results if r.elected} == elected
    assert outcome.needs_new_round is new_round
    assert outcome.tied == tied


@pytest.mark.parametrize(
    ("kwargs", "present", "codes"),
    [
        ({"votes": {"TN": 6}}, 7, []),
        ({"votes": {"TN": 6}, "issued": 7, "returned": 8, "valid": 8}, 7, ["returned_above_issued"]),
        ({"votes": {"TN": 5}, "valid": 6, "invalid": 0}, 7, ["valid_invalid_mismatch"]),
        ({"votes": {"TN": 5}, "issued": 8, "returned": 7}, 7, ["issued_above_present"]),
        ({"votes": {"TN": 8}}, 7, ["votes_above_valid", "total_above_capacity"]),
        ({"votes": {"TN": 8, "PT": 0}, "seats": 2}, 7, ["votes_above_valid"]),
        ({"votes": {"TN": 5, "PT": 5}}, 7, ["total_above_capacity"]),
        ({"votes": {"TN": 5, "PT": 5}, "seats": 2}, 7, []),
        ({"votes": {"TN": -1}}, 7, ["negative"]),
        ({"votes": {}}, 7, ["no_candidate"]),
    ],
)
def test_impossible_counts_are_refused(kwargs, present, codes):
    assert [e.code for e in check_counts(count(**kwargs), present=present)] == codes


@pytest.mark.parametrize(
    ("present", "members", "quorum", "expected"),
    [(7, 7, "100", True), (6, 7, "100", False), (5, 7, "66.67", True), (4, 7, "66.67", False), (0, 0, "50", False)],
)
def test_quorum(present, members, quorum, expected):
    assert has_quorum(present=present, members=members, quorum_percent=D(quorum)) is expected


def test_the_ranking_cannot_decide_between_equal_ranks():
    """Tied votes and tied ranks: a new round, never the database's order."""
    outcome = decide(
        count({9: 4, 10: 4}, valid=8, returned=8, issued=8),
        members=7,
        threshold_percent=D("50"),
        strict=True,
        base=MEMBERS,
        tie_rule=RANKING,
        ranking={9: 1, 10: 1},
    )
    assert outcome.needs_new_round and set(outcome.tied) == {9, 10}
    assert not any(r.elected for r in outcome.results)

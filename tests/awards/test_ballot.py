"""The ballot rules as tables: thresholds and bases, impossible counts, ties under each
tie rule, quorum, absent members' written opinions."""

from decimal import Decimal as D

import pytest

from awards.ballot import (
    CHAIR_VOTE,
    MEMBERS,
    NEW_ROUND,
    PRESENT,
    RANKING,
    VALID_BALLOTS,
    RoundCount,
    check_counts,
    count_written,
    decide,
    has_quorum,
    quorum_needed,
)


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


# --- The base "members present" -------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "valid", "threshold", "strict", "base", "elected", "base_value"),
    [
        # 4 of the 6 present = 66,7% > 60%, but 4 of the 7 members = 57,1% is not
        ({"TN": 4, "PT": 2}, 6, "60", True, PRESENT, {"TN"}, 6),
        ({"TN": 4, "PT": 2}, 6, "60", True, MEMBERS, set(), 7),
        # exactly 50% of the 6 present: "at least" accepts, "more than" refuses
        ({"TN": 3, "PT": 2}, 6, "50", False, PRESENT, {"TN"}, 6),
        ({"TN": 3, "PT": 2}, 6, "50", True, PRESENT, set(), 6),
        # the members present, not the ballots: 2 invalid ballots do not lower the base
        ({"TN": 4}, 4, "70", False, PRESENT, set(), 6),
        ({"TN": 4}, 4, "70", False, VALID_BALLOTS, {"TN"}, 4),
    ],
)
def test_the_base_of_members_present(votes, valid, threshold, strict, base, elected, base_value):
    outcome = decide(
        count(votes, issued=6, returned=6, valid=valid, invalid=6 - valid),
        members=7,
        present=6,
        threshold_percent=D(threshold),
        strict=strict,
        base=base,
        tie_rule=NEW_ROUND,
    )
    assert {r.key for r in outcome.results if r.elected} == elected
    assert {r.base for r in outcome.results} == {base_value}


def test_the_base_of_members_present_needs_the_number_present():
    with pytest.raises(ValueError, match="members present"):
        decide(count({"TN": 4}), members=7, threshold_percent=D("50"), strict=True, base=PRESENT, tie_rule=NEW_ROUND)


# --- Written opinions of absent members ------------------------------------------------------------


@pytest.mark.parametrize(
    ("opinions", "candidates", "seats", "votes", "counted", "void"),
    [
        # one absent member agrees to TN
        ({"YB": {"TN"}}, {"TN", "PT"}, 1, {"TN": 1, "PT": 0}, ("YB",), ()),
        # an opinion agreeing to none is still a ballot
        ({"YB": set()}, {"TN"}, 1, {"TN": 0}, ("YB",), ()),
        # a member not on the ballot is not counted; the opinion still is
        ({"YB": {"HB"}}, {"TN"}, 1, {"TN": 0}, ("YB",), ()),
        # two seats: an opinion may agree to two candidates
        ({"YB": {"TN", "PT"}, "HB": {"PT"}}, {"TN", "PT", "BG"}, 2, {"TN": 1, "PT": 2, "BG": 0}, ("HB", "YB"), ()),
        # after a tie, one seat left between TN and PT: an opinion for both cannot choose, it is void
        ({"YB": {"TN", "PT"}, "HB": {"PT"}}, {"TN", "PT"}, 1, {"TN": 0, "PT": 1}, ("HB",), ("YB",)),
        # ...but it still counts where it names only one of the tied
        ({"YB": {"TN", "BG"}}, {"TN", "PT"}, 1, {"TN": 1, "PT": 0}, ("YB",), ()),
        # a member appears once: its choices are a set, never counted twice
        ({"YB": ["TN", "TN"]}, {"TN"}, 1, {"TN": 1}, ("YB",), ()),
        ({}, {"TN"}, 1, {"TN": 0}, (), ()),
        (None, {"TN"}, 1, {"TN": 0}, (), ()),
    ],
)
def test_written_opinions_count_once_each(opinions, candidates, seats, votes, counted, void):
    written = count_written(opinions, candidates=candidates, seats=seats)
    assert (written.votes, written.counted, written.void) == (votes, counted, void)


@pytest.mark.parametrize(
    ("ballots", "opinions", "base", "elected", "votes", "base_value", "written_votes"),
    [
        # ≥ 80% of all 7 members: 5 ballots at the meeting are 71,4%; Yên Bái's written vote makes 6/7 = 85,7%
        ({"TN": 5, "PT": 1}, {"YB": {"TN"}}, MEMBERS, {"TN"}, {"TN": 6, "PT": 1}, 7, {"TN": 1, "PT": 0}),
        ({"TN": 5, "PT": 1}, {}, MEMBERS, set(), {"TN": 5, "PT": 1}, 7, {"TN": 0, "PT": 0}),
        # an opinion for nobody counts in no candidate's votes; the base of all members is the members
        ({"TN": 5, "PT": 1}, {"YB": set()}, MEMBERS, set(), {"TN": 5, "PT": 1}, 7, {"TN": 0, "PT": 0}),
        # of valid ballots: each written opinion is one more ballot in the base, 6 + 1 = 7
        ({"TN": 5, "PT": 1}, {"YB": {"TN"}}, VALID_BALLOTS, {"TN"}, {"TN": 6, "PT": 1}, 7, {"TN": 1, "PT": 0}),
        ({"TN": 5, "PT": 1}, {"YB": set()}, VALID_BALLOTS, set(), {"TN": 5, "PT": 1}, 7, {"TN": 0, "PT": 0}),
        # of members present: written opinions never count (the rule set refuses the pair)
        ({"TN": 5, "PT": 1}, {"YB": {"TN"}}, PRESENT, {"TN"}, {"TN": 5, "PT": 1}, 6, {"TN": 0, "PT": 0}),
    ],
)
def test_written_votes_are_added_as_the_base_says(ballots, opinions, base, elected, votes, base_value, written_votes):
    outcome = decide(
        count(ballots, issued=6, returned=6, valid=6),
        members=7,
        present=6,
        threshold_percent=D("80"),
        strict=False,
        base=base,
        tie_rule=NEW_ROUND,
        written_opinions=opinions,
    )
    assert {r.key for r in outcome.results if r.elected} == elected
    assert {r.key: r.votes for r in outcome.results} == votes
    assert {r.key: r.written_votes for r in outcome.results} == written_votes
    assert {r.base for r in outcome.results} == {base_value}


def test_a_written_vote_can_break_or_make_a_tie():
    # 3 and 3 at the meeting, one seat, ≥ 40% of valid ballots: Yên Bái's opinion for PT decides
    outcome = decide(
        count({"TN": 3, "PT": 3}, issued=6, returned=6, valid=6, seats=1),
        members=7,
        threshold_percent=D("40"),
        strict=False,
        base=VALID_BALLOTS,
        tie_rule=NEW_ROUND,
        written_opinions={"YB": {"PT"}},
    )
    assert not outcome.needs_new_round
    assert [(r.key, r.votes, r.base, r.elected) for r in outcome.results] == [("PT", 4, 7, True), ("TN", 3, 7, False)]


# --- A tie the presiding chair's vote decides ---------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "seats", "choice", "elected", "by_chair", "needed", "unused"),
    [
        # one seat, a tie on top: the chair chose PT
        ({"TN": 3, "PT": 3}, 1, {"PT"}, {"PT"}, {"TN", "PT"}, 0, False),
        # ...no choice yet: nobody is elected at the tie, one must be chosen
        ({"TN": 3, "PT": 3}, 1, set(), set(), set(), 1, False),
        # ...a choice outside the tie, or too many, is no choice
        ({"TN": 3, "PT": 3, "BG": 0}, 1, {"BG"}, set(), set(), 1, False),
        ({"TN": 3, "PT": 3}, 1, {"TN", "PT"}, set(), set(), 1, False),
        # two seats, TN above, PT and HB tied for the last one
        ({"TN": 5, "PT": 4, "HB": 4}, 2, {"HB"}, {"TN", "HB"}, {"PT", "HB"}, 0, False),
        # no tie: a choice is not needed, and one given is said to be unused
        ({"TN": 4, "PT": 2}, 1, set(), {"TN"}, set(), 0, False),
        ({"TN": 4, "PT": 2}, 1, {"PT"}, {"TN"}, set(), 0, True),
    ],
)
def test_the_presiding_chairs_vote_decides_a_tie(votes, seats, choice, elected, by_chair, needed, unused):
    outcome = decide(
        count(votes, issued=7, returned=7, valid=7, seats=seats),
        members=7,
        threshold_percent=D("40"),
        strict=False,
        base=VALID_BALLOTS,
        tie_rule=CHAIR_VOTE,
        ranking={"TN": 1, "PT": 2, "HB": 3, "BG": 4},
        chair_choice=choice,
    )
    assert {r.key for r in outcome.results if r.elected} == elected
    assert {r.key for r in outcome.results if r.decided_by_chair} == by_chair
    assert outcome.chair_choice_needed == needed and outcome.chair_choice_unused is unused
    assert not outcome.needs_new_round and not any(r.tied for r in outcome.results)


def test_a_chairs_choice_under_another_tie_rule_is_unused():
    outcome = decide(
        count({"TN": 3, "PT": 3}, issued=7, returned=7, valid=7),
        members=7,
        threshold_percent=D("40"),
        strict=False,
        base=VALID_BALLOTS,
        tie_rule=NEW_ROUND,
        chair_choice={"PT"},
    )
    assert outcome.needs_new_round and outcome.chair_choice_unused


# --- How many must be present --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "quorum", "needed"),
    [
        (7, "80", 6),
        (7, "100", 7),
        (7, "66.67", 5),
        (7, "50", 4),
        (7, "85.71", 6),
        (7, "85.72", 7),
        (3, "1", 1),
        (0, "50", 0),
    ],
)
def test_how_many_members_make_the_quorum(members, quorum, needed):
    assert quorum_needed(members=members, quorum_percent=D(quorum)) == needed
    if members:
        assert has_quorum(present=needed, members=members, quorum_percent=D(quorum))
        assert not has_quorum(present=needed - 1, members=members, quorum_percent=D(quorum))

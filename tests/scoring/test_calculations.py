"""The scoring maths as tables: totals (nested criteria, bonus, deductions, rounding),
ranking with each tie rule, and what staff type."""

from decimal import Decimal as D

import pytest

from scoring import calculations as calc
from scoring.calculations import CriterionNode as N
from scoring.calculations import RankEntry

CRITERIA = [
    N(1, "A", None, "points", D("10")),
    N(2, "A", None, "points", None),  # group: 2.1 + 2.2
    N(3, "A", 2, "points", D("5")),
    N(4, "A", 2, "points", D("5")),
    N(5, "B", None, "points", D("20")),
    N(6, "Đ", None, "bonus", D("3")),
    N(7, "E", None, "deduction", D("-5")),
]


def test_max_totals_add_up_groups_and_keep_bonus_and_deductions_apart():
    maxima = calc.max_totals(CRITERIA)
    assert maxima.by_criterion[2] == D("10")
    assert maxima.sections == {"A": D("20"), "B": D("20"), "Đ": D("3"), "E": D("0")}
    assert maxima.total == D("40")
    assert maxima.bonus == D("3")
    assert maxima.deduction == D("-5")


@pytest.mark.parametrize(
    ("scores", "sections", "total"),
    [
        ({}, {"A": "0.00", "B": "0.00", "Đ": "0.00", "E": "0.00"}, "0.00"),
        (
            {1: D("8.5"), 3: D("4"), 4: D("5"), 5: D("17.25")},
            {"A": "17.50", "B": "17.25", "Đ": "0.00", "E": "0.00"},
            "34.75",
        ),
        # bonus adds, a deduction subtracts
        (
            {1: D("10"), 5: D("20"), 6: D("3"), 7: D("-2.5")},
            {"A": "10.00", "B": "20.00", "Đ": "3.00", "E": "-2.50"},
            "30.50",
        ),
        # an unscored leaf counts 0; a score typed on a group is ignored
        ({2: D("10"), 3: D("1")}, {"A": "1.00", "B": "0.00", "Đ": "0.00", "E": "0.00"}, "1.00"),
        # rounding to two decimals, halves up
        ({1: D("0.005"), 3: D("0.004")}, {"A": "0.01", "B": "0.00", "Đ": "0.00", "E": "0.00"}, "0.01"),
    ],
)
def test_scorecard_totals(scores, sections, total):
    totals = calc.scorecard_totals(CRITERIA, scores)
    assert {k: str(v) for k, v in totals.sections.items()} == sections
    assert str(totals.total) == total


def test_group_totals_follow_children():
    totals = calc.scorecard_totals(CRITERIA, {3: D("2.5"), 4: D("1")})
    assert totals.by_criterion[2] == D("3.50")


def entries(spec):
    """ "TN:95:50 PT:92:40" → RankEntry(code, total, section A)."""
    out = []
    for item in spec.split():
        code, total, section_a = item.split(":")
        out.append(RankEntry(key=code, code=code, total=D(total), section_a=D(section_a)))
    return out


@pytest.mark.parametrize(
    ("spec", "rule", "expected"),
    [
        ("TN:95:50 PT:92:40 BG:90:45", calc.SECTION_A_THEN_SAME, "TN=1 PT=2 BG=3"),
        # equal totals: more points in section A ranks higher
        ("PT:90:40 TN:90:45 BG:80:40", calc.SECTION_A_THEN_SAME, "TN=1 PT=2 BG=3"),
        # equal totals and equal A: same rank, the next rank skips
        ("PT:90:40 TN:90:40 BG:80:40", calc.SECTION_A_THEN_SAME, "PT=1* TN=1* BG=3"),
        # same-rank rule ignores section A
        ("PT:90:40 TN:90:45 BG:80:40", calc.SAME_RANK, "PT=1* TN=1* BG=3"),
        ("A:70:1 B:80:1 C:80:1 D:80:1 E:60:1", calc.SAME_RANK, "B=1* C=1* D=1* A=4 E=5"),
        # negative totals (deductions) still rank
        ("A:-1:0 B:0:0", calc.SAME_RANK, "B=1 A=2"),
        ("", calc.SAME_RANK, ""),
    ],
)
def test_rank_members(spec, rule, expected):
    ranked = calc.rank_members(entries(spec), rule)
    assert " ".join(f"{r.code}={r.rank}{'*' if r.tied else ''}" for r in ranked) == expected


def test_unknown_tie_rule_is_refused():
    with pytest.raises(ValueError, match="Unknown tie rule"):
        calc.rank_members(entries("A:1:1"), "coin")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("8,5", D("8.50")),
        ("8.5", D("8.50")),
        (" 7 ", D("7.00")),
        ("1.000,5", D("1000.50")),
        ("", None),
        (None, None),
        ("-2,5", D("-2.50")),
        ("0", D("0.00")),
        ("10,00", D("10.00")),
    ],
)
def test_parse_score_accepts_what_staff_type(typed, expected):
    assert calc.parse_score(typed) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("abc", "not_a_number"),
        ("8,5,1", "not_a_number"),
        ("NaN", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("1e400", "too_large"),
        ("123456", "too_large"),
        ("8,555", "too_many_decimals"),
        ("=1+1", "not_a_number"),
    ],
)
def test_parse_score_refuses_garbage(typed, code):
    with pytest.raises(calc.ScoreInputError) as error:
        calc.parse_score(typed)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("value", "kind", "bound", "code"),
    [
        (D("10.01"), "points", D("10"), "above_max"),
        (D("-0.5"), "points", D("10"), "below_zero"),
        (D("3.5"), "bonus", D("3"), "above_max"),
        (D("-5.5"), "deduction", D("-5"), "below_bound"),
        (D("1"), "deduction", D("-5"), "above_zero"),
    ],
)
def test_check_score_refuses_out_of_range(value, kind, bound, code):
    with pytest.raises(calc.ScoreInputError) as error:
        calc.check_score(value, kind, bound)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("value", "kind", "bound"),
    [
        (D("10"), "points", D("10")),
        (D("0"), "points", D("10")),
        (D("-5"), "deduction", D("-5")),
        (D("0"), "deduction", D("-5")),
    ],
)
def test_check_score_accepts_the_bounds(value, kind, bound):
    calc.check_score(value, kind, bound)

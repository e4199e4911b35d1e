"""The formulas of the computed criterion kinds (target, pass/fail, per occurrence)."""

from decimal import Decimal as D

import pytest

from scoring.calculations import ScoreInputError, computed_score, parse_figure


@pytest.mark.parametrize(
    ("figure", "floor", "expected"),
    [
        ("43.5", None, "10.00"),  # above the target: full points
        ("40", None, "10.00"),  # at the target
        ("30", None, "7.50"),  # in proportion below it
        ("0", None, "0.00"),
        ("33.33", None, "8.33"),  # 8.3325 rounds down
        ("33.34", None, "8.34"),  # 8.335 rounds half up
        ("19.99", "20", "0"),  # under the floor: nothing
        ("20", "20", "5.00"),  # at the floor: in proportion
        ("1000", "20", "10.00"),
    ],
)
def test_target(figure, floor, expected):
    score = computed_score("target", D(figure), max_points=D("10"), target=D("40"), floor=floor and D(floor))
    assert score == D(expected)


@pytest.mark.parametrize(("figure", "expected"), [("1", "5.00"), ("0", "0"), ("1.00", "5.00")])
def test_pass_fail(figure, expected):
    assert computed_score("pass_fail", D(figure), max_points=D("5")) == D(expected)


@pytest.mark.parametrize(
    ("figure", "expected"), [("0", "0.00"), ("1", "1.50"), ("3", "4.50"), ("4", "5.00"), ("9", "5.00")]
)
def test_occurrence_up_to_the_cap(figure, expected):
    assert computed_score("occurrence", D(figure), max_points=D("5"), per_occurrence=D("1.5")) == D(expected)


@pytest.mark.parametrize(
    ("kind", "figure", "code"),
    [
        ("target", "-1", "figure_below_zero"),
        ("pass_fail", "-1", "figure_below_zero"),
        ("pass_fail", "2", "not_pass_fail"),
        ("pass_fail", "0.5", "not_pass_fail"),
        ("occurrence", "-2", "figure_below_zero"),
        ("occurrence", "2.5", "not_whole"),
    ],
)
def test_bad_figures_are_refused(kind, figure, code):
    with pytest.raises(ScoreInputError) as caught:
        computed_score(kind, D(figure), max_points=D("5"), target=D("40"), per_occurrence=D("1"))
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("43,5", D("43.50")),
        ("43.5", D("43.50")),
        ("", None),
        (None, None),
        ("1.000,5", D("1000.50")),
        (D(7), D("7.00")),
    ],
)
def test_parse_figure(text, expected):
    assert parse_figure(text) == expected


@pytest.mark.parametrize(
    ("text", "code"), [("abc", "not_a_number"), ("1,234", "too_many_decimals"), ("1e20", "figure_too_large")]
)
def test_parse_figure_refuses(text, code):
    with pytest.raises(ScoreInputError) as caught:
        parse_figure(text)
    assert caught.value.code == code

"""The cross-scoring (chấm chéo) aggregation rules: pure Decimal maths, table-tested."""

from decimal import Decimal

import pytest

from scoring import calculations as calc

D = Decimal


@pytest.mark.parametrize(
    ("values", "rule", "expected"),
    [
        (["8"], "mean", "8.00"),
        (["8", "9"], "mean", "8.50"),
        (["8", "9", "9"], "mean", "8.67"),  # 8.666… rounds up
        (["1", "2"], "mean", "1.50"),
        (["0.01", "0.02"], "mean", "0.02"),  # 0.015: a half goes up
        (["-2", "-1"], "mean", "-1.50"),  # deductions
        (["-1", "-2", "-2"], "mean", "-1.67"),  # -1.666…: away from zero
        (["5", "9", "9", "10", "1"], "trimmed_mean", "7.67"),  # without 10 and 1: (5+9+9)/3
        (["5", "9", "9"], "trimmed_mean", "9.00"),  # without 9 and 5: 9
        (["4", "8"], "trimmed_mean", "6.00"),  # fewer than 3: the mean
        (["7"], "trimmed_mean", "7.00"),
        (["10", "10", "10", "0"], "trimmed_mean", "10.00"),  # one lowest, one highest only
        (["3", "1", "2"], "median", "2.00"),
        (["4", "1", "3", "2"], "median", "2.50"),
        (["8.25", "8.5"], "median", "8.38"),  # 8.375 rounds up
        (["6"], "median", "6.00"),
    ],
)
def test_aggregate_peer(values, rule, expected):
    result = calc.aggregate_peer([D(v) for v in values], rule)
    assert result == D(expected) and str(result) == expected


def test_aggregate_peer_does_not_depend_on_the_order():
    values = [D("7.5"), D("9"), D("6.25"), D("8"), D("10")]
    for rule in ("mean", "trimmed_mean", "median"):
        assert calc.aggregate_peer(values, rule) == calc.aggregate_peer(list(reversed(values)), rule)


@pytest.mark.parametrize("rule", ["mean", "trimmed_mean", "median"])
def test_aggregate_peer_refuses_no_score(rule):
    with pytest.raises(ValueError, match="No cross-score"):
        calc.aggregate_peer([], rule)


def test_aggregate_peer_refuses_an_unknown_rule():
    with pytest.raises(ValueError, match="Unknown"):
        calc.aggregate_peer([D("1")], "mode")


@pytest.mark.parametrize(
    ("values", "spread"),
    [([], "0"), (["5"], "0"), (["5", "8", "6.5"], "3"), (["-3", "0"], "3"), (["1.25", "1.5"], "0.25")],
)
def test_peer_spread(values, spread):
    assert calc.peer_spread([D(v) for v in values]) == D(spread)


@pytest.mark.parametrize(
    ("values", "limit", "flagged"),
    [
        (["5", "8"], None, False),  # no limit: never flagged
        (["5", "8"], "3", False),  # equal to the limit: not over it
        (["5", "8.01"], "3", True),
        (["5", "5"], "0", False),
        (["5", "5.5"], "0", True),
    ],
)
def test_peer_spread_flagged(values, limit, flagged):
    assert calc.peer_spread_flagged([D(v) for v in values], D(limit) if limit else None) is flagged

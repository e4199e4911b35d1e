"""The scoring maths: pure Python on Decimal, no ORM (table-tested in tests/scoring).

Criteria come in as `CriterionNode`s, scores as {criterion id: Decimal or None}.
Only leaf criteria are scored; a criterion with sub-criteria adds up its children.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from common.numbers import decimal_from_text

POINTS, BONUS, DEDUCTION = "points", "bonus", "deduction"
SECTION_A_THEN_SAME, SAME_RANK = "section_a", "same_rank"
CENT = Decimal("0.01")
LARGEST = Decimal("100000")  # scores are stored with 7 digits, 2 of them decimals
FIGURE_LARGEST = Decimal("1000000000000")  # figures: 14 digits, 2 of them decimals
ZERO = Decimal("0")


def round_points(value: Decimal) -> Decimal:
    """Scores and totals are kept to two decimals, halves rounded up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionNode:
    id: int
    section_code: str
    parent_id: int | None = None
    kind: str = POINTS
    max_points: Decimal | None = None


@dataclass(frozen=True)
class MaxTotals:
    """The maximums of a scorecard: per criterion (groups add up their children), per
    section (points and bonus), the grand total of points, and the bonus and deduction bounds."""

    by_criterion: dict
    sections: dict
    total: Decimal
    bonus: Decimal
    deduction: Decimal


@dataclass(frozen=True)
class Totals:
    by_criterion: dict
    sections: dict
    total: Decimal


def leaf_ids(criteria) -> set:
    parents = {c.parent_id for c in criteria if c.parent_id is not None}
    return {c.id for c in criteria if c.id not in parents}


def _roll_up(criteria, leaf_values):
    """Sum leaf values up through the parents: {criterion id: Decimal}."""
    by_id = {c.id: c for c in criteria}
    values = defaultdict(lambda: ZERO)
    for criterion_id, value in leaf_values.items():
        node = by_id[criterion_id]
        values[node.id] += value
        parent = node.parent_id
        seen = set()
        while parent is not None and parent not in seen:
            seen.add(parent)
            values[parent] += value
            parent = by_id[parent].parent_id
    return {c.id: values[c.id] for c in criteria}


def max_totals(criteria) -> MaxTotals:
    leaves = leaf_ids(criteria)
    leaf_max = {c.id: (c.max_points or ZERO) for c in criteria if c.id in leaves}
    by_criterion = _roll_up(criteria, leaf_max)
    sections = defaultdict(lambda: ZERO)
    total = bonus = deduction = ZERO
    for c in criteria:
        if c.id not in leaves:
            continue
        value = leaf_max[c.id]
        sections.setdefault(c.section_code, ZERO)
        if c.kind == DEDUCTION:
            deduction += value
            continue
        sections[c.section_code] += value
        if c.kind == BONUS:
            bonus += value
        else:
            total += value
    return MaxTotals(by_criterion=by_criterion, sections=dict(sections), total=total, bonus=bonus, deduction=deduction)


def scorecard_totals(criteria, scores) -> Totals:
    """Section subtotals and the grand total of one scorecard (unscored leaves count 0)."""
    leaves = leaf_ids(criteria)
    leaf_scores = {c.id: (scores.get(c.id) or ZERO) for c in criteria if c.id in leaves}
    by_criterion = {key: round_points(value) for key, value in _roll_up(criteria, leaf_scores).items()}
    sections = {}
    for c in criteria:
        sections.setdefault(c.section_code, ZERO)
        if c.id in leaves:
            sections[c.section_code] += leaf_scores[c.id]
    sections = {code: round_points(value) for code, value in sections.items()}
    return Totals(by_criterion=by_criterion, sections=sections, total=round_points(sum(sections.values(), ZERO)))


@dataclass(frozen=True)
class RankEntry:
    key: object
    code: str
    total: Decimal
    section_a: Decimal = ZERO


@dataclass(frozen=True)
class Ranked:
    key: object
    code: str
    total: Decimal
    section_a: Decimal
    rank: int
    tied: bool = field(default=False)


def rank_members(entries, tie_rule=SECTION_A_THEN_SAME) -> list:
    """Competition ranking (1, 2, 2, 4) by total, highest first.

    Tie rules: SECTION_A_THEN_SAME — more points in the first section (A) ranks higher,
    then the same rank; SAME_RANK — equal totals share the rank. The order among equals
    ends on the province code so it never depends on the database.
    """
    if tie_rule == SECTION_A_THEN_SAME:

        def standing(e):
            return (e.total, e.section_a)
    elif tie_rule == SAME_RANK:

        def standing(e):
            return (e.total,)
    else:
        raise ValueError(f"Unknown tie rule: {tie_rule}")
    ordered = sorted(entries, key=lambda e: (*(-v for v in standing(e)), e.code))
    counts = defaultdict(int)
    for e in ordered:
        counts[standing(e)] += 1
    result = []
    previous = None
    rank = 0
    for position, e in enumerate(ordered, start=1):
        if standing(e) != previous:
            rank = position
            previous = standing(e)
        result.append(Ranked(e.key, e.code, e.total, e.section_a, rank, counts[standing(e)] > 1))
    return result


# --- Computed criteria ------------------------------------------------------------------

TARGET, PASS_FAIL, OCCURRENCE = "target", "pass_fail", "occurrence"
COMPUTED = (TARGET, PASS_FAIL, OCCURRENCE)


def computed_score(kind, figure, *, max_points, target=None, floor=None, per_occurrence=None) -> Decimal:
    """The score a reported figure earns (the kinds of `scoring.enums.COMPUTED_KINDS`).

    TARGET: full points at or above `target`, max × figure / target below it, 0 under `floor`.
    PASS_FAIL: figure 1 (pass) earns the maximum, 0 earns nothing.
    OCCURRENCE: `per_occurrence` × the count (a whole number), up to the maximum.
    Raises ScoreInputError: below_zero (negative figure), not_whole (a count with decimals),
    not_pass_fail (a pass/fail figure other than 0 or 1).
    """
    figure = Decimal(figure)
    maximum = max_points or ZERO
    if figure < ZERO:
        raise ScoreInputError("figure_below_zero")
    if kind == TARGET:
        target = Decimal(target)
        if floor is not None and figure < Decimal(floor):
            return ZERO
        if figure >= target:
            return round_points(maximum)
        return round_points(maximum * figure / target)
    if kind == PASS_FAIL:
        if figure not in (ZERO, Decimal(1)):
            raise ScoreInputError("not_pass_fail")
        return round_points(maximum) if figure == 1 else ZERO
    if kind == OCCURRENCE:
        if figure != figure.to_integral_value():
            raise ScoreInputError("not_whole")
        return round_points(min(Decimal(per_occurrence) * figure, maximum))
    raise ValueError(f"Not a computed kind: {kind}")


# --- Input ------------------------------------------------------------------------------


class ScoreInputError(ValueError):
    """`code` says what is wrong: not_a_number, too_large, too_many_decimals, above_max, below_zero,
    below_bound, above_zero; for a reported figure also figure_below_zero, not_whole, not_pass_fail."""

    def __init__(self, code, limit=None):
        super().__init__(code)
        self.code = code
        self.limit = limit


def parse_score(text) -> Decimal | None:
    """What staff type: "8,5" or "8.5" (and "1.000,5"); empty means not scored."""
    if text is None:
        return None
    if isinstance(text, (int, Decimal)):
        value = Decimal(text)
    else:
        if str(text).strip() == "":
            return None
        try:
            value = decimal_from_text(text)
        except ValueError as error:
            raise ScoreInputError("not_a_number") from error
    if not value.is_finite():
        raise ScoreInputError("not_a_number")
    if abs(value) >= LARGEST:
        raise ScoreInputError("too_large")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ScoreInputError("too_many_decimals")
    return value.quantize(CENT)


def check_score(value: Decimal, kind: str, max_points: Decimal | None) -> None:
    """Refuse a score outside its criterion's range: [0, max] or, for a deduction, [bound, 0]."""
    if kind == DEDUCTION:
        if value > ZERO:
            raise ScoreInputError("above_zero")
        if max_points is not None and value < max_points:
            raise ScoreInputError("below_bound", max_points)
        return
    if value < ZERO:
        raise ScoreInputError("below_zero")
    if max_points is not None and value > max_points:
        raise ScoreInputError("above_max", max_points)


# --- Peer scoring ---------------------------------------------------------------------------

PEER_MEAN, PEER_TRIMMED_MEAN, PEER_MEDIAN = "mean", "trimmed_mean", "median"


def aggregate_peer(values, rule) -> Decimal:
    """The agreed score of one criterion from its cross-scores (chấm chéo), by the year's rule.

    - ``mean``: the mean of every cross-score;
    - ``trimmed_mean``: the mean without one highest and one lowest score; with fewer than 3
      scores nothing can be left out, so it falls back to the plain mean;
    - ``median``: the middle score, or the mean of the two middle ones.

    The result is rounded to 2 decimals, halves up (`round_points`), so it is the same on every
    database and on every run. An empty list has no agreed score: ValueError.
    """
    ordered = sorted(Decimal(v) for v in values)
    if not ordered:
        raise ValueError("No cross-score to aggregate.")
    if rule == PEER_MEAN:
        kept = ordered
    elif rule == PEER_TRIMMED_MEAN:
        kept = ordered[1:-1] if len(ordered) >= 3 else ordered
    elif rule == PEER_MEDIAN:
        middle = len(ordered) // 2
        kept = ordered[middle : middle + 1] if len(ordered) % 2 else ordered[middle - 1 : middle + 1]
    else:
        raise ValueError(f"Unknown aggregation rule: {rule}")
    return round_points(sum(kept, ZERO) / len(kept))


def peer_spread(values) -> Decimal:
    """The highest cross-score minus the lowest (0 for one score or none)."""
    ordered = [Decimal(v) for v in values]
    return (max(ordered) - min(ordered)) if ordered else ZERO


def peer_spread_flagged(values, limit) -> bool:
    """Flagged for the preparatory meeting: the spread is strictly over the limit (no limit: never)."""
    return limit is not None and peer_spread(values) > Decimal(limit)


def parse_figure(text) -> Decimal | None:
    """A reported figure as typed ("43,5"); empty means not reported. Larger than a score may be."""
    if text is None or (not isinstance(text, (int, Decimal)) and str(text).strip() == ""):
        return None
    try:
        value = Decimal(text) if isinstance(text, (int, Decimal)) else decimal_from_text(text)
    except ValueError as error:
        raise ScoreInputError("not_a_number") from error
    if not value.is_finite():
        raise ScoreInputError("not_a_number")
    if abs(value) >= FIGURE_LARGEST:
        raise ScoreInputError("figure_too_large")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ScoreInputError("too_many_decimals")
    return value.quantize(CENT)

"""The rotation rule as a table: members, who chaired when, this year's vice-chair → proposal."""

import pytest

from cluster.rotation import RotationCandidate, propose_term


def members(spec):
    """spec: "A:2014,2018 B: C:2015" → candidates in rotation order A, B, C."""
    result = []
    for order, item in enumerate(spec.split(), start=1):
        code, _, years = item.partition(":")
        chaired = tuple(int(y) for y in years.split(",") if y)
        result.append(
            RotationCandidate(province_id=order, code=code, name=code, rotation_order=order, chair_years=chaired)
        )
    return result


def by_code(candidates, code):
    if code is None:
        return None
    return next((c.province_id for c in candidates if c.code == code), 999)


@pytest.mark.parametrize(
    ("spec", "current_vice", "expected_chair", "expected_vice"),
    [
        # The seed: Phú Thọ (PT) chaired 2014, Bắc Giang (BG) was vice → BG chairs, next in order is vice.
        ("BG: BK: HB: PT:2014 TN: TQ: YB:", "BG", "BG", "BK"),
        # The vice-chair becomes chair; the new vice is the one never chaired, first in order.
        ("A:2014 B:2015 C: D:", "C", "C", "D"),
        # Never chaired comes before chaired long ago.
        ("A:2010 B: C:2012 D:2013", "D", "B", "A"),
        # The vice-chair has chaired already while others have not: not proposed again.
        ("A:2014 B: C:", "A", "B", "C"),
        # Everybody chaired once: the longest without chairing chairs again first.
        ("A:2014 B:2015 C:2016", "A", "A", "B"),
        ("A:2014 B:2015 C:2016", None, "A", "B"),
        # No current vice-chair (new cluster): first in rotation order, then the next.
        ("A: B: C:", None, "A", "B"),
        # A member who left is not proposed: the vice-chair is not among next year's members.
        ("A:2014 B: C:", "Z", "B", "C"),
        # Ties on the last chaired year are broken by rotation order (here C before D).
        ("A:2016 B:2016 C:2014 D:2014", None, "C", "D"),
        # Everybody chaired once: the vice-chair may chair again.
        ("A:2016 B:2016 C:2014 D:2014", "A", "A", "C"),
        # Two members only.
        ("A:2014 B:", "B", "B", "A"),
        # The new vice-chair must be able to chair next year: counts after this term decide.
        ("A:2010,2014 B:2011 C:2012 D:", "B", "D", "B"),
    ],
)
def test_propose_term(spec, current_vice, expected_chair, expected_vice):
    candidates = members(spec)
    proposal = propose_term(candidates, by_code(candidates, current_vice))
    assert (proposal.chair.code, proposal.vice_chair.code) == (expected_chair, expected_vice)


def test_a_single_member_has_no_vice_chair():
    proposal = propose_term(members("A:"), None)
    assert proposal.chair.code == "A"
    assert proposal.vice_chair is None


def test_no_members_no_proposal():
    proposal = propose_term([], None)
    assert proposal.chair is None and proposal.vice_chair is None


def test_rotation_over_many_years_never_repeats_a_chair_before_everyone_chaired():
    codes = ["A", "B", "C", "D", "E"]
    chaired = {code: [] for code in codes}
    vice = None
    chairs = []
    for year in range(2010, 2020):
        candidates = [
            RotationCandidate(province_id=i, code=code, name=code, rotation_order=i, chair_years=tuple(chaired[code]))
            for i, code in enumerate(codes)
        ]
        proposal = propose_term(candidates, vice)
        chaired[proposal.chair.code].append(year)
        chairs.append(proposal.chair.code)
        vice = proposal.vice_chair.province_id
    assert chairs == ["A", "B", "C", "D", "E", "A", "B", "C", "D", "E"]


@pytest.mark.parametrize(
    ("chaired", "chair", "vice", "breaches"),
    [
        ({}, 1, 2, []),  # nobody chaired yet: any term holds
        ({1: (2014,)}, 2, 3, []),
        ({1: (2014,)}, 1, 2, ["chair"]),  # 1 chairs twice before 2 and 3 chaired once
        ({1: (2014,)}, 2, 1, ["vice_chair"]),  # 1 would chair twice next year
        ({1: (2014,), 2: (2015,), 3: (2016,)}, 1, 2, []),  # everybody chaired once: a new cycle
        ({1: (2014,), 2: (2015,)}, 3, 1, []),
    ],
)
def test_the_rotation_breach_of_a_chosen_term(chaired, chair, vice, breaches):
    from cluster.rotation import rotation_breaches

    candidates = [
        RotationCandidate(province_id=i, code=f"{i:02d}", name=f"T{i}", chair_years=chaired.get(i, ()))
        for i in (1, 2, 3)
    ]
    assert rotation_breaches(candidates, chair, vice) == breaches

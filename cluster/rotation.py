"""The rotation rule for proposing next year's chair and vice-chair (pure, no ORM).

Usual practice (domain §4): this year's vice-chair becomes next year's chair; the new
vice-chair is the member that has gone longest without chairing (never chaired first),
ties broken by the rotation order the admin sets, then by official code; and nobody
chairs twice before every member has chaired once.

"Nobody twice before everybody once" is kept by allowing as chair (or as vice-chair,
who is next year's chair) only members whose number of chair terms is the smallest
among next year's members.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RotationCandidate:
    province_id: int
    code: str
    name: str
    rotation_order: int = 0
    chair_years: tuple[int, ...] = field(default_factory=tuple)

    @property
    def chair_count(self):
        return len(self.chair_years)

    @property
    def last_chaired(self):
        return max(self.chair_years, default=None)


@dataclass(frozen=True)
class TermProposal:
    chair: RotationCandidate | None
    vice_chair: RotationCandidate | None


def _longest_without_chairing(candidate: RotationCandidate):
    never = candidate.last_chaired is None
    return (not never, candidate.last_chaired or 0, candidate.rotation_order, candidate.code)


def _eligible(candidates, counts):
    if not candidates:
        return []
    fewest = min(counts[c.province_id] for c in candidates)
    return [c for c in candidates if counts[c.province_id] == fewest]


def propose_term(candidates: list[RotationCandidate], current_vice_chair_id: int | None) -> TermProposal:
    """Propose next year's chair and vice-chair among next year's members (`candidates`)."""
    counts = {c.province_id: c.chair_count for c in candidates}
    eligible = _eligible(candidates, counts)
    if not eligible:
        return TermProposal(chair=None, vice_chair=None)

    chair = next((c for c in eligible if c.province_id == current_vice_chair_id), None)
    if chair is None:
        chair = min(eligible, key=_longest_without_chairing)

    counts[chair.province_id] += 1
    others = [c for c in candidates if c.province_id != chair.province_id]
    # The vice-chair is next year's chair: it must be allowed to chair after this term.
    fewest_after = min(counts.values())
    next_eligible = [c for c in others if counts[c.province_id] == fewest_after] or _eligible(others, counts)
    vice_chair = min(next_eligible, key=_longest_without_chairing) if next_eligible else None
    return TermProposal(chair=chair, vice_chair=vice_chair)


def rotation_breaches(candidates: list[RotationCandidate], chair_id: int, vice_chair_id: int) -> list[str]:
    """What a chosen term breaks of "nobody chairs twice before every member has chaired once":
    "chair" when the chair has chaired more often than another member, "vice_chair" when the
    vice-chair (next year's chair) would have, once this term is counted. Empty when it holds."""
    counts = {c.province_id: c.chair_count for c in candidates}
    breaches = []
    if chair_id in counts and counts[chair_id] > min(counts.values()):
        breaches.append("chair")
    if chair_id in counts:
        counts[chair_id] += 1
    if vice_chair_id in counts and counts[vice_chair_id] > min(counts.values()):
        breaches.append("vice_chair")
    return breaches

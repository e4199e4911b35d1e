"""The secret-ballot rules (pure, no ORM): what counts are possible, whether a meeting has
its quorum, and who is elected under the year's threshold, base and tie rule.

Only counts enter here — never who voted for whom.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MEMBERS, VALID_BALLOTS = "members", "valid_ballots"
NEW_ROUND, RANKING = "new_round", "ranking"
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class RoundCount:
    """What the vote-counting committee counted in one round."""

    issued: int
    returned: int
    valid: int
    invalid: int
    votes: dict  # candidate key -> votes
    seats: int = 1


@dataclass(frozen=True)
class CountError:
    """`code`: returned_above_issued, valid_invalid_mismatch, issued_above_present,
    votes_above_valid, total_above_capacity, negative, no_seat, no_candidate."""

    code: str
    candidate: object = None
    params: dict = field(default_factory=dict)


def check_counts(count: RoundCount, *, present: int) -> list:
    """Every impossible thing in a count (empty when the count can be true)."""
    errors = []
    numbers = [count.issued, count.returned, count.valid, count.invalid, *count.votes.values()]
    if any(n is None or n < 0 for n in numbers):
        return [CountError("negative")]
    if count.seats < 1:
        errors.append(CountError("no_seat"))
    if not count.votes:
        errors.append(CountError("no_candidate"))
    if count.returned > count.issued:
        errors.append(CountError("returned_above_issued", params={"returned": count.returned, "issued": count.issued}))
    if count.valid + count.invalid != count.returned:
        errors.append(
            CountError(
                "valid_invalid_mismatch",
                params={"valid": count.valid, "invalid": count.invalid, "returned": count.returned},
            )
        )
    if count.issued > present:
        errors.append(CountError("issued_above_present", params={"issued": count.issued, "present": present}))
    for candidate, votes in count.votes.items():
        if votes > count.valid:
            errors.append(CountError("votes_above_valid", candidate, {"votes": votes, "valid": count.valid}))
    total = sum(count.votes.values())
    if total > count.valid * count.seats:
        errors.append(
            CountError(
                "total_above_capacity",
                params={
                    "total": total,
                    "valid": count.valid,
                    "seats": count.seats,
                    "capacity": count.valid * count.seats,
                },
            )
        )
    return errors


def has_quorum(*, present: int, members: int, quorum_percent: Decimal) -> bool:
    """At least `quorum_percent` of the members are present."""
    if members <= 0:
        return False
    return Decimal(present) * HUNDRED >= Decimal(quorum_percent) * members


def percent(part, whole) -> Decimal:
    if not whole:
        return Decimal("0")
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CandidateResult:
    key: object
    votes: int
    base: int
    percent: Decimal
    passes: bool  # reaches the threshold
    elected: bool
    decided_by_ranking: bool = False
    tied: bool = False  # tied at the cut-off, left to a new round


@dataclass(frozen=True)
class RoundOutcome:
    results: list
    needs_new_round: bool
    tied: tuple = ()


def decide(
    count: RoundCount,
    *,
    members: int,
    threshold_percent: Decimal,
    strict: bool,
    base: str,
    tie_rule: str,
    ranking: dict | None = None,
) -> RoundOutcome:
    """Who is elected in this round.

    A candidate passes with votes/base > threshold (strict) or ≥ threshold, the base
    being the members of the cluster or the valid ballots. At most `seats` are elected,
    most votes first. A tie at the cut-off (more passing candidates with the last
    seat's votes than seats left) goes to a new round, or the score ranking decides
    (a lower rank first, then the candidate key), as the year's rule says.
    """
    base_value = members if base == MEMBERS else count.valid
    threshold = Decimal(threshold_percent)

    def passes(votes):
        if base_value <= 0:
            return False
        share = Decimal(votes) * HUNDRED
        limit = threshold * base_value
        return share > limit if strict else share >= limit

    ranking = ranking or {}
    passing = sorted((k for k, v in count.votes.items() if passes(v)), key=lambda k: (-count.votes[k], str(k)))
    elected, tied, by_ranking = set(), (), set()
    if len(passing) <= count.seats:
        elected = set(passing)
    else:
        cut_votes = count.votes[passing[count.seats - 1]]
        above = [k for k in passing if count.votes[k] > cut_votes]
        at_cut = [k for k in passing if count.votes[k] == cut_votes]
        seats_left = count.seats - len(above)
        elected = set(above)
        if len(at_cut) <= seats_left:  # pragma: no cover - impossible by construction
            elected |= set(at_cut)
        else:
            by_rank = sorted(at_cut, key=lambda k: ranking.get(k, 10**6))
            last_in, first_out = by_rank[seats_left - 1], by_rank[seats_left]
            if tie_rule == RANKING and ranking.get(last_in, 10**6) != ranking.get(first_out, 10**6):
                chosen = by_rank[:seats_left]
                elected |= set(chosen)
                by_ranking = set(chosen)
            else:
                # A new round; also when the ranking itself is tied and cannot decide.
                tied = tuple(sorted(at_cut, key=str))
    results = [
        CandidateResult(
            key=k,
            votes=v,
            base=base_value,
            percent=percent(v, base_value),
            passes=passes(v),
            elected=k in elected,
            decided_by_ranking=k in by_ranking,
            tied=k in tied,
        )
        for k, v in sorted(count.votes.items(), key=lambda item: (-item[1], str(item[0])))
    ]
    return RoundOutcome(results=results, needs_new_round=bool(tied), tied=tied)

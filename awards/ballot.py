"""The secret-ballot rules (pure, no ORM): what counts are possible, whether a meeting has
its quorum, how absent members' written opinions count, and who is elected under the
year's threshold, base and tie rule.

Only counts enter here — never who voted for whom at the meeting. A written opinion
(ý kiến bằng văn bản) is not secret: the minutes print it, so it enters by member.
"""

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

MEMBERS, PRESENT, VALID_BALLOTS = "members", "present", "valid_ballots"
NEW_ROUND, RANKING, CHAIR_VOTE = "new_round", "ranking", "chair_vote"
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class RoundCount:
    """What the vote-counting committee counted in one round (the ballots cast at the meeting)."""

    issued: int
    returned: int
    valid: int
    invalid: int
    votes: dict  # candidate key -> votes
    seats: int = 1


@dataclass(frozen=True)
class CountError:
    """`code`: returned_above_issued, valid_invalid_mismatch, issued_above_present, returned_above_present,
    votes_above_valid, total_above_capacity, negative, no_seat, no_candidate."""

    code: str
    candidate: object = None
    params: dict = field(default_factory=dict)


def check_counts(count: RoundCount, *, present: int, electronic: bool = False) -> list:
    """Every impossible thing in a count (empty when the count can be true).

    `electronic`: the ballots issued are one-time codes, which may be more than the
    delegations present; the ballots returned (codes used) never are."""
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
    if electronic and count.returned > present:
        errors.append(CountError("returned_above_present", params={"returned": count.returned, "present": present}))
    if not electronic and count.issued > present:
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
    """At least `quorum_percent` of all the members are present."""
    if members <= 0:
        return False
    return Decimal(present) * HUNDRED >= Decimal(quorum_percent) * members


def quorum_needed(*, members: int, quorum_percent: Decimal) -> int:
    """The fewest members present that make the quorum (0 for a cluster without members)."""
    if members <= 0:
        return 0
    needed = (Decimal(quorum_percent) * members / HUNDRED).to_integral_value(rounding=ROUND_CEILING)
    return min(max(int(needed), 1), members)


def percent(part, whole) -> Decimal:
    if not whole:
        return Decimal("0")
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class WrittenCount:
    """The written opinions of absent members as one round counts them."""

    votes: dict  # candidate key -> written votes
    counted: tuple = ()  # members whose opinion counts as a ballot in this round
    void: tuple = ()  # members whose opinion names more of this round's candidates than its seats


def count_written(opinions: dict | None, *, candidates, seats: int) -> WrittenCount:
    """How the written opinions count in a round.

    `opinions`: {absent member key: the candidate keys its opinion agrees to propose for this
    award}. Each member counts at most once, and at most once per candidate (a set). Only the
    round's candidates are counted (after a tie, the tied ones). An opinion naming more of
    them than the round has seats cannot say which it prefers: it is void in this round. An
    opinion naming none of them still counts as a ballot (it agrees to none).
    """
    candidates = set(candidates)
    votes = dict.fromkeys(candidates, 0)
    counted, void = [], []
    for member in sorted(opinions or {}, key=str):
        chosen = set(opinions[member]) & candidates
        if len(chosen) > seats:
            void.append(member)
            continue
        counted.append(member)
        for key in chosen:
            votes[key] += 1
    return WrittenCount(votes=votes, counted=tuple(counted), void=tuple(void))


@dataclass(frozen=True)
class CandidateResult:
    key: object
    votes: int  # ballots at the meeting plus written votes
    base: int
    percent: Decimal
    passes: bool  # reaches the threshold
    elected: bool
    decided_by_ranking: bool = False
    tied: bool = False  # tied at the cut-off, left to a new round
    written_votes: int = 0
    decided_by_chair: bool = False  # tied at the cut-off, the presiding chair's vote decided


@dataclass(frozen=True)
class RoundOutcome:
    results: list
    needs_new_round: bool
    tied: tuple = ()
    written: WrittenCount | None = None
    #: Under the chair's-vote rule: how many of `tied` the presiding chair must choose (0: none).
    chair_choice_needed: int = 0
    #: A chair's choice was given where no tie at the cut-off needs one.
    chair_choice_unused: bool = False


def vote_base(*, base: str, members: int, present: int | None, valid: int, written_ballots: int) -> int:
    """The number a candidate's votes are divided by.

    All members: the members of the cluster (an absent member's written opinion is one of
    them). Members present: those at the meeting (written opinions never count under this
    base). Valid ballots: the valid ballots of the meeting plus the written opinions counted.
    """
    if base == MEMBERS:
        return members
    if base == PRESENT:
        if present is None:
            raise ValueError("The base 'members present' needs the number of members present.")
        return present
    if base == VALID_BALLOTS:
        return valid + written_ballots
    raise ValueError(f"Unknown threshold base: {base!r}")


def decide(
    count: RoundCount,
    *,
    members: int,
    threshold_percent: Decimal,
    strict: bool,
    base: str,
    tie_rule: str,
    ranking: dict | None = None,
    present: int | None = None,
    written_opinions: dict | None = None,
    chair_choice=(),
) -> RoundOutcome:
    """Who is elected in this round.

    A candidate's votes are the meeting's ballots plus the written opinions that agree to it
    (`written_opinions`, see `count_written`; never with the base "members present"). It
    passes with votes/base > threshold (strict) or ≥ threshold (see `vote_base`). At most
    `seats` are elected, most votes first. A tie at the cut-off (more passing candidates with
    the last seat's votes than seats left) goes, as the year's rule says, to a new round; to
    the score ranking (a lower rank first; a tie of ranks goes to a new round); or to the
    presiding chair's vote: `chair_choice` names exactly the seats left among the tied,
    otherwise `chair_choice_needed` says how many to choose and nobody is elected at the tie.
    """
    if base == PRESENT:
        written_opinions = None
    written = count_written(written_opinions, candidates=count.votes, seats=count.seats)
    totals = {k: v + written.votes.get(k, 0) for k, v in count.votes.items()}
    base_value = vote_base(
        base=base, members=members, present=present, valid=count.valid, written_ballots=len(written.counted)
    )
    threshold = Decimal(threshold_percent)

    def passes(votes):
        if base_value <= 0:
            return False
        share = Decimal(votes) * HUNDRED
        limit = threshold * base_value
        return share > limit if strict else share >= limit

    ranking = ranking or {}
    chair_choice = set(chair_choice or ())
    passing = sorted((k for k, v in totals.items() if passes(v)), key=lambda k: (-totals[k], str(k)))
    elected, tied, by_ranking, by_chair = set(), (), set(), set()
    chair_needed, chair_used = 0, False
    if len(passing) <= count.seats:
        elected = set(passing)
    else:
        cut_votes = totals[passing[count.seats - 1]]
        above = [k for k in passing if totals[k] > cut_votes]
        at_cut = [k for k in passing if totals[k] == cut_votes]
        seats_left = count.seats - len(above)
        elected = set(above)
        if len(at_cut) <= seats_left:  # pragma: no cover - impossible by construction
            elected |= set(at_cut)
        elif tie_rule == CHAIR_VOTE:
            chair_used = True
            if chair_choice <= set(at_cut) and len(chair_choice) == seats_left:
                elected |= chair_choice
                by_chair = set(at_cut)
            else:
                chair_needed = seats_left
                tied = tuple(sorted(at_cut, key=str))
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
            tied=k in tied and not chair_needed,
            written_votes=written.votes.get(k, 0),
            decided_by_chair=k in by_chair,
        )
        for k, v in sorted(totals.items(), key=lambda item: (-item[1], str(item[0])))
    ]
    return RoundOutcome(
        results=results,
        needs_new_round=bool(tied) and not chair_needed,
        tied=tied,
        written=written,
        chair_choice_needed=chair_needed,
        chair_choice_unused=bool(chair_choice) and not chair_used,
    )

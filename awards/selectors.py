"""Reads of the review meeting: the chair's console steps, candidates, ballot results."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cluster import selectors as cluster_selectors
from cluster.models import EmulationYear
from covenants.models import Covenant, CovenantStatus
from scoring.models import Scoreboard

from .enums import NominationStatus
from .models import AwardType, BallotResult, BallotRound, Delegation, Nomination, ReviewMeeting


def meeting_of(emulation_year):
    return (
        ReviewMeeting.objects.filter(emulation_year=emulation_year)
        .select_related("host_province", "emulation_year__rule_set", "emulation_year__cluster")
        .prefetch_related(
            Prefetch(
                "delegations", queryset=Delegation.objects.select_related("province").prefetch_related("delegates")
            ),
            "guests",
        )
        .first()
    )


def nominations_of(emulation_year):
    nominations = list(
        Nomination.objects.filter(emulation_year=emulation_year)
        .select_related("award_type", "province")
        .order_by("award_type__order", "rank", "province__name")
    )
    for nomination in nominations:
        # One shared year: the permission checks per row (record_decision) reuse its cached chair.
        nomination.emulation_year = emulation_year
    return nominations


def rounds_of(meeting):
    if meeting is None:
        return []
    return list(
        BallotRound.objects.filter(meeting=meeting)
        .select_related("award_type", "corrects")
        .prefetch_related(Prefetch("results", queryset=BallotResult.objects.select_related("nomination__province")))
        .order_by("award_type__order", "number")
    )


def candidates_for_next_round(meeting, award_type, *, correcting=False):
    """The nominations the next round of this award is about."""
    last = BallotRound.objects.filter(meeting=meeting, award_type=award_type).order_by("-number").first()
    if last is None:
        return list(
            Nomination.objects.filter(emulation_year=meeting.emulation_year, award_type=award_type)
            .select_related("province")
            .order_by("rank", "province__name")
        )
    results = sorted(
        last.results.select_related("nomination__province"),
        key=lambda r: (r.nomination.rank or 10**6, r.nomination.province.name),
    )
    if correcting:
        return [r.nomination for r in results]
    return [r.nomination for r in results if r.tied]


def quota_for(emulation_year, award_type):
    """How many proposals of this type the cluster may make this year: an award quota of the
    year, else the rule set's for the flag and the certificate, else none."""
    from .models import CERTIFICATE, FLAG, AwardQuota

    quota = AwardQuota.objects.filter(emulation_year=emulation_year, award_type=award_type).first()
    if quota is not None:
        return quota.count
    rule_set = emulation_year.rule_set
    return {FLAG: rule_set.flag_quota, CERTIFICATE: rule_set.certificate_quota}.get(award_type.code, 0)


@dataclass
class NextRound:
    number: int
    seats: int
    candidates: list
    last: object  # the last confirmed round, or None


def next_round(meeting, award_type, *, correcting=False):
    """The round to record next for this award: its number, its seats (a new round after a
    tie has the seats the last left; a correction keeps the corrected round's) and candidates."""
    last = BallotRound.objects.filter(meeting=meeting, award_type=award_type).order_by("-number").first()
    if last is not None and correcting:
        seats = last.seats
    elif last is not None and last.needs_new_round:
        seats = last.seats - last.results.filter(elected=True).count()
    else:
        seats = quota_for(meeting.emulation_year, award_type)
    return NextRound(
        number=(last.number + 1) if last else 1,
        seats=seats,
        last=last,
        candidates=candidates_for_next_round(meeting, award_type, correcting=correcting),
    )


def award_types_to_ballot(emulation_year, rounds):
    """Award types with candidates whose ballot is not decided yet (no round, or a tie)."""
    last = {}
    for ballot_round in rounds:  # ordered by award type, then number
        last[ballot_round.award_type_id] = ballot_round
    return [t for t in award_types_in_play(emulation_year) if t.pk not in last or last[t.pk].needs_new_round]


def award_types_in_play(emulation_year):
    ids = Nomination.objects.filter(emulation_year=emulation_year).values_list("award_type_id", flat=True)
    return list(AwardType.objects.filter(pk__in=ids).order_by("order"))


@dataclass
class Step:
    key: str
    label: str
    done: bool
    blocker: str = ""
    detail: str = ""


def console_steps(emulation_year):
    """The review meeting's steps, each done or not, and what blocks the next one."""
    from . import services

    meeting = meeting_of(emulation_year)
    board = Scoreboard.objects.filter(emulation_year=emulation_year).first()
    nominations = nominations_of(emulation_year)
    rounds = rounds_of(meeting)
    next_year = EmulationYear.objects.filter(cluster_id=emulation_year.cluster_id, year=emulation_year.year + 1).first()
    covenant = Covenant.objects.filter(emulation_year=next_year).first() if next_year else None
    steps = []

    steps.append(
        Step(
            "meeting",
            _("Set up the review meeting"),
            meeting is not None,
            "" if meeting else _("The review meeting has not been set up."),
        )
    )
    attendance_done = bool(meeting and meeting.attendance_confirmed_at and meeting.quorum_met)
    blocker = ""
    if meeting is None:
        blocker = _("Set up the meeting first.")
    elif not meeting.attendance_confirmed_at:
        blocker = _("The attendance has not been confirmed.")
    elif not meeting.quorum_met:
        blocker = services.ballot_blockers(meeting)[0]
    steps.append(Step("attendance", _("Attendance and quorum"), attendance_done, blocker))

    ranking_done = bool(meeting and meeting.ranking_adopted_at)
    blocker = ""
    if not (board and board.is_locked):
        blocker = _("The scoring of the year must be locked before the meeting adopts the ranking.")
    elif not ranking_done:
        blocker = _("The meeting has not adopted the ranking yet.")
    steps.append(Step("ranking", _("Adopt the ranking"), ranking_done, blocker))

    nominations_done = bool(meeting and meeting.nominations_confirmed_at)
    steps.append(
        Step(
            "nominations",
            _("Nominations"),
            nominations_done,
            "" if nominations_done else _("The nominations have not been confirmed."),
        )
    )

    in_play = {n.award_type_id for n in nominations}
    decided_types = set()
    pending_tie = False
    for award_type_id in in_play:
        type_rounds = [r for r in rounds if r.award_type_id == award_type_id]
        if type_rounds and not type_rounds[-1].needs_new_round:
            decided_types.add(award_type_id)
        elif type_rounds:
            pending_tie = True
    ballot_done = bool(in_play) and decided_types == in_play
    blocker = ""
    if not ballot_done:
        blockers = services.ballot_blockers(meeting) if meeting else [_("Set up the meeting first.")]
        blocker = (
            blockers[0]
            if blockers
            else (
                _("A tie at the cut-off needs a new round.") if pending_tie else _("Record the ballot of every award.")
            )
        )
    steps.append(Step("ballot", _("Secret ballot"), ballot_done, blocker))

    results_done = ballot_done and all(n.status != NominationStatus.CANDIDATE for n in nominations)
    steps.append(
        Step("results", _("Results"), results_done, "" if results_done else _("The ballot is not decided yet."))
    )

    chair, vice = cluster_selectors.term_of(next_year) if next_year else (None, None)
    term_done = bool(meeting and meeting.term_recorded_at and chair and vice)
    steps.append(
        Step(
            "term",
            _("Elect next year's chair and vice-chair"),
            term_done,
            "" if term_done else _("The meeting has not recorded next year's chair and vice-chair."),
        )
    )

    covenant_done = bool(covenant and covenant.status == CovenantStatus.SIGNED)
    blocker = ""
    if not covenant_done:
        blocker = (
            _("Next year's covenant is not signed by every member yet.")
            if covenant
            else _("Next year's covenant has not been drawn up.")
        )
    steps.append(Step("covenant", _("Sign next year's covenant"), covenant_done, blocker))

    steps.append(
        Step(
            "close",
            _("Close the year"),
            emulation_year.is_closed,
            "" if emulation_year.is_closed else _("The year is open."),
        )
    )
    return steps


def explain(result, rule_set):
    """ "6/7 = 85,7% ≥ 70% of members → elected": how a candidate's result was decided."""
    from django.utils.formats import number_format

    def num(value, digits):
        text = number_format(value, digits)
        if any(sep in text for sep in ",."):
            text = text.rstrip("0").rstrip(",.")
        return text

    base = _("of members") if rule_set.vote_base == "members" else _("of valid ballots")
    comparison = (">" if result.passes else "≤") if rule_set.vote_threshold_strict else ("≥" if result.passes else "<")
    if result.elected and result.decided_by_ranking:
        outcome = _("elected (the score ranking decided the tie)")
    elif result.elected:
        outcome = _("elected")
    elif result.tied:
        outcome = _("tied at the cut-off: a new round")
    elif result.passes:
        outcome = _("not elected (no seat left)")
    else:
        outcome = _("not elected")
    return _("%(votes)s/%(base)s = %(percent)s%% %(comparison)s %(threshold)s%% %(of_base)s → %(outcome)s") % {
        "votes": result.votes,
        "base": result.base,
        "percent": num(result.percent, 1),
        "comparison": comparison,
        "threshold": num(rule_set.vote_threshold_percent, 2),
        "of_base": base,
        "outcome": outcome,
    }

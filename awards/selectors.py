"""Reads of the review meeting: the chair's console steps, candidates, ballot results."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cluster import selectors as cluster_selectors
from cluster import workflow
from cluster.enums import VoteBase
from cluster.models import EmulationYear
from covenants.models import Covenant, CovenantStatus
from scoring.models import Scoreboard

from . import ballot
from .enums import NominationStatus
from .models import (
    AwardType,
    BallotResult,
    BallotRound,
    CountingCommitteeMember,
    Delegation,
    Nomination,
    ReviewMeeting,
    WrittenVote,
)


def meeting_of(emulation_year):
    return (
        ReviewMeeting.objects.filter(emulation_year=emulation_year)
        .select_related("host_province", "emulation_year__rule_set", "emulation_year__cluster")
        .prefetch_related(
            Prefetch(
                "delegations",
                queryset=Delegation.objects.select_related("province").prefetch_related(
                    "delegates",
                    Prefetch("written_votes", queryset=WrittenVote.objects.select_related("award_type", "province")),
                ),
            ),
            "guests",
            Prefetch(
                "committee_members",
                queryset=CountingCommitteeMember.objects.select_related("province").order_by("role", "order", "pk"),
            ),
        )
        .first()
    )


def committee_candidates(meeting):
    """The people the vote-counting committee may be elected from: those of the delegations
    present and the central delegates, of the meeting's year (`cluster.selectors.people_of`)."""
    present = {d.province_id for d in Delegation.objects.filter(meeting=meeting, present=True)}
    return [
        person
        for person in cluster_selectors.people_of(meeting.emulation_year)
        if person.province_id is None or person.province_id in present
    ]


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


def written_vote_awards(emulation_year):
    """[(award type, seats)] an absent member's written opinion may name members for: the
    award types the cluster proposes some of this year, with how many at most."""
    awards = [(award_type, quota_for(emulation_year, award_type)) for award_type in AwardType.objects.order_by("order")]
    return [(award_type, seats) for award_type, seats in awards if seats > 0]


def written_opinions_for(meeting, award_type):
    """[(absent delegation, [provinces its written opinion agrees to for this award])] from
    the meeting's prefetched delegations (`meeting_of`)."""
    if meeting is None:
        return []
    return [
        (d, [v.province for v in d.written_votes.all() if v.award_type_id == award_type.pk])
        for d in meeting.delegations.all()
        if d.written_opinion and not d.present
    ]


def quorum_requirement(emulation_year, meeting=None):
    """ "At least 6 of 7 members must be present under the rule set (≥ 80%)": what the
    year's quorum asks of the meeting, said before the attendance is taken."""
    members = (
        len(meeting.delegations.all())
        if meeting is not None
        else len(cluster_selectors.member_province_ids(emulation_year))
    )
    rule_set = emulation_year.rule_set
    return _("At least %(needed)s of %(members)s members must be present under the rule set (≥ %(quorum)s%%).") % {
        "needed": ballot.quorum_needed(members=members, quorum_percent=rule_set.quorum_percent),
        "members": members,
        "quorum": percent_text(rule_set.quorum_percent),
    }


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


def percent_text(value, digits=2):
    """A number as prose shows it, in the page's language: 100, 66,67, 85,7 (no trailing zeros)."""
    from django.utils.formats import number_format

    text = number_format(value, digits)
    return text.rstrip("0").rstrip(",.") if ("," in text or "." in text) else text


def year_facts(emulation_year):
    """The facts of the year that cluster.workflow decides its steps from (a handful of queries)."""
    from scoring.enums import ScorecardStatus
    from scoring.models import Criterion, Scorecard

    meeting = meeting_of(emulation_year)
    board = Scoreboard.objects.filter(emulation_year=emulation_year).first()
    nominations = nominations_of(emulation_year)
    rounds = rounds_of(meeting)
    statuses = list(Scorecard.objects.filter(emulation_year=emulation_year).values_list("status", flat=True))
    next_year = EmulationYear.objects.filter(cluster_id=emulation_year.cluster_id, year=emulation_year.year + 1).first()
    covenant = Covenant.objects.filter(emulation_year=next_year).first() if next_year else None
    chair, vice = cluster_selectors.term_of(next_year) if next_year else (None, None)
    in_play = {n.award_type_id for n in nominations}
    decided, pending_tie = set(), False
    for award_type_id in in_play:
        type_rounds = [r for r in rounds if r.award_type_id == award_type_id]
        if type_rounds and not type_rounds[-1].needs_new_round:
            decided.add(award_type_id)
        elif type_rounds:
            pending_tie = True
    return workflow.YearFacts(
        closed=emulation_year.is_closed,
        criteria=Criterion.objects.filter(section__emulation_year=emulation_year).count(),
        members=len(cluster_selectors.member_province_ids(emulation_year)),
        scorecards_submitted=sum(1 for status in statuses if status != ScorecardStatus.DRAFT),
        scorecards_agreed=sum(1 for status in statuses if status == ScorecardStatus.AGREED),
        scoring_locked=bool(board and board.is_locked),
        meeting_set_up=meeting is not None,
        attendance_confirmed=bool(meeting and meeting.attendance_confirmed_at),
        quorum_met=bool(meeting and meeting.quorum_met),
        delegations_present=sum(1 for d in meeting.delegations.all() if d.present) if meeting else 0,
        delegations=len(meeting.delegations.all()) if meeting else 0,
        quorum_text=percent_text(emulation_year.rule_set.quorum_percent),
        ranking_adopted=bool(meeting and meeting.ranking_adopted_at),
        nominations=len(nominations),
        nominations_confirmed=bool(meeting and meeting.nominations_confirmed_at),
        committee_elected=bool(meeting and meeting.committee_members.all()),
        awards_in_play=len(in_play),
        awards_decided=len(decided),
        pending_tie=pending_tie,
        candidates_undecided=sum(1 for n in nominations if n.status == NominationStatus.CANDIDATE),
        next_term_recorded=bool(meeting and meeting.term_recorded_at and chair and vice),
        next_term_confirmed=bool(next_year and next_year.term_confirmed_at and chair and vice),
        next_covenant_drawn_up=covenant is not None,
        next_covenant_signed=bool(covenant and covenant.status == CovenantStatus.SIGNED),
    )


#: The steps the review meeting's console shows (the scoring steps have their own pages).
CONSOLE_STEPS = (
    "meeting",
    "attendance",
    "ranking",
    "nominations",
    "committee",
    "ballot",
    "results",
    "term",
    "covenant",
    "close",
)


def console_steps(emulation_year, facts=None):
    """The review meeting's steps, each done or not, and what blocks it (cluster.workflow)."""
    facts = facts or year_facts(emulation_year)
    return [step for step in workflow.year_steps(facts) if step.key in CONSOLE_STEPS]


def ranking_lines(emulation_year):
    """ "1. Thái Nguyên – 95,50 điểm": the stored ranking, for the confirmation before adopting it."""
    from django.utils.formats import number_format

    from scoring.models import Scorecard

    cards = Scorecard.objects.filter(emulation_year=emulation_year, rank__isnull=False).select_related("province")
    return [
        _("%(rank)s. %(province)s – %(total)s points")
        % {"rank": card.rank, "province": card.province.name, "total": number_format(card.agreed_total, 2)}
        for card in cards.order_by("rank", "province__code")
    ]


def nomination_lines(emulation_year):
    """ "Cờ thi đua của Chính phủ: Thái Nguyên (hạng 1)", for the confirmations."""
    return [
        _("%(award)s: %(province)s (rank %(rank)s) – %(status)s")
        % {
            "award": n.award_type.name,
            "province": n.province.name,
            "rank": n.rank or "—",
            "status": n.get_status_display(),
        }
        for n in nominations_of(emulation_year)
    ]


def explain(result, rule_set):
    """ "6/7 = 85,7% ≥ 80% of members → elected": how a candidate's result was decided,
    naming the written votes when some counted."""

    bases = {
        VoteBase.MEMBERS: _("of members"),
        VoteBase.PRESENT: _("of members present"),
        VoteBase.VALID_BALLOTS: _("of valid ballots"),
    }
    base = bases.get(rule_set.vote_base, rule_set.vote_base)
    comparison = (">" if result.passes else "≤") if rule_set.vote_threshold_strict else ("≥" if result.passes else "<")
    if result.elected and result.decided_by_ranking:
        outcome = _("elected (the score ranking decided the tie)")
    elif result.elected and result.decided_by_chair:
        outcome = _("elected (the presiding chair's vote decided the tie)")
    elif result.elected:
        outcome = _("elected")
    elif result.decided_by_chair:
        outcome = _("not elected (the presiding chair's vote decided the tie)")
    elif result.tied:
        outcome = _("tied at the cut-off: a new round")
    elif result.passes:
        outcome = _("not elected (no seat left)")
    else:
        outcome = _("not elected")
    params = {
        "votes": result.votes,
        "base": result.base,
        "percent": percent_text(result.percent, 1),
        "comparison": comparison,
        "threshold": percent_text(rule_set.vote_threshold_percent),
        "of_base": base,
        "outcome": outcome,
        "written": getattr(result, "written_votes", 0),
    }
    if params["written"]:
        return (
            _(
                "%(votes)s/%(base)s = %(percent)s%% %(comparison)s %(threshold)s%% %(of_base)s, written opinions "
                "included: %(written)s → %(outcome)s"
            )
            % params
        )
    return _("%(votes)s/%(base)s = %(percent)s%% %(comparison)s %(threshold)s%% %(of_base)s → %(outcome)s") % params

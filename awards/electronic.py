"""The electronic secret ballot (issue 13 point 4): services and selectors.

The chair opens an electronic round for the round a paper count would have
(`selectors.next_round`), prints one-time codes on slips handed out at random, delegates vote
on their phones with a code, and the chair closes the round: the tally goes through
`services.ballot_round_record` like a paper count.

Secrecy: a `BallotCode` keeps only the SHA-256 of its code and whether it was used; an
`ElectronicVote` keeps only the ballot and the sorted choice (a random key). Casting a vote
writes nothing else — no session, no user, no address, no time, no history, no event.
Counting once: spending a code is one conditional UPDATE that only one of many simultaneous
submissions of the same code can win, in the same transaction as the vote.
"""

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster import services as cluster_services

from . import selectors, services
from .enums import BallotMethod
from .models import AwardType, BallotCode, Delegation, ElectronicBallot, ElectronicVote, ReviewMeeting

#: Letters and digits of a code: base32 without the confusable I, O, 0 and 1 (32 symbols, 5 bits each).
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#: Symbols of a code: 16 × 5 = 80 random bits (the issue asks for at least 64).
CODE_LENGTH = 16
#: Most codes printed at once (a cluster has a few dozen members at most).
MAX_CODES = 500


def _require_chair(meeting, user):
    if user is None or not user.has_perm("awards.run_meeting", meeting.emulation_year):
        raise PermissionDenied


def new_code():
    """A fresh code, `CODE_LENGTH` symbols drawn with `secrets`."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_display(code):
    """XXXX-XXXX-XXXX-XXXX, as printed on the slip."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(code):
    """What the delegate typed or scanned → the canonical code (no dashes, spaces, case)."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_digest(code):
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _present(meeting):
    return Delegation.objects.filter(meeting=meeting, present=True).count()


# --- Selectors -----------------------------------------------------------------------------------


def open_ballot(meeting, award_type):
    """The open electronic ballot of this award (None when there is none)."""
    if meeting is None:
        return None
    return (
        ElectronicBallot.objects.open()
        .filter(meeting=meeting, award_type=award_type)
        .select_related("award_type")
        .first()
    )


@dataclass
class BallotState:
    """What the projector and the console show of a meeting's electronic ballot.

    `open`: the open round (award name, round number, seats, votes received, delegations
    expected, codes issued) — never a partial result; `last`: the last closed round's results
    (award, round, [(province name, votes, percent, elected)], needs_new_round), or None."""

    open: dict | None = None
    last: dict | None = None
    opened: list = field(default_factory=list)


def ballot_state(meeting):
    """The open electronic round (if any) and the last closed one's results, in a few queries."""
    state = BallotState()
    if meeting is None:
        return state
    present = _present(meeting)
    ballots = list(
        ElectronicBallot.objects.filter(meeting=meeting)
        .select_related("award_type", "ballot_round")
        .order_by("-opened_at", "-pk")
    )
    for eb in ballots:
        if eb.is_open:
            entry = {
                "award": eb.award_type.name,
                "award_code": eb.award_type.code,
                "round": eb.number,
                "seats": eb.seats,
                "received": eb.codes_used,
                "expected": present,
                "issued": eb.codes_issued,
            }
            state.opened.append(entry)
            if state.open is None:
                state.open = entry
    closed = next((eb for eb in ballots if not eb.is_open and eb.ballot_round_id), None)
    if closed is not None:
        results = closed.ballot_round.results.select_related("nomination__province").order_by("-votes", "pk")
        state.last = {
            "award": closed.award_type.name,
            "round": closed.number,
            "returned": closed.ballot_round.returned,
            "valid": closed.ballot_round.valid,
            "blank": closed.ballot_round.blank,
            "needs_new_round": closed.ballot_round.needs_new_round,
            "results": [
                {
                    "province": r.nomination.province.name,
                    "votes": r.votes,
                    "base": r.base,
                    "percent": r.percent,
                    "passes": r.passes,
                    "elected": r.elected,
                }
                for r in results
            ],
        }
    return state


@dataclass
class Tally:
    returned: int
    valid: int
    blank: int
    votes: dict  # nomination id -> votes


def tally(eb):
    """Count the stored votes of a ballot (codes used = ballots returned; every vote is valid)."""
    candidates = list(eb.candidates.values_list("pk", flat=True))
    counter = Counter(dict.fromkeys(candidates, 0))
    valid = blank = 0
    for choices in ElectronicVote.objects.filter(ballot=eb).values_list("choices", flat=True):
        valid += 1
        if not choices:
            blank += 1
        counter.update(choices)
    return Tally(returned=eb.codes_used, valid=valid, blank=blank, votes=dict(counter))


@dataclass
class VoteBallot:
    """What a delegate's phone shows after the code: the award, the round, the seats, the candidates."""

    ballot: ElectronicBallot
    candidates: list


def ballot_for_code(code):
    """The open ballot a code may still vote in, or a ValidationError saying why not."""
    normal = normalise_code(code)
    if not normal:
        raise ValidationError({"code": _("Enter the code printed on your ballot slip.")})
    if len(normal) != CODE_LENGTH or any(ch not in ALPHABET for ch in normal):
        raise ValidationError({"code": _("This code is not valid. Check the code printed on your slip.")})
    found = (
        BallotCode.objects.filter(digest=code_digest(normal))
        .select_related("ballot__award_type", "ballot__meeting__emulation_year")
        .first()
    )
    if found is None:
        raise ValidationError({"code": _("This code is not valid. Check the code printed on your slip.")})
    if not found.ballot.is_open or found.ballot.meeting.emulation_year.is_closed:
        raise ValidationError({"code": _("This ballot round is closed: the code can no longer vote.")})
    if found.spent:
        raise ValidationError({"code": _("This code has already voted. Each code votes once.")})
    candidates = list(found.ballot.candidates.select_related("province").order_by("rank", "province__name"))
    return VoteBallot(ballot=found.ballot, candidates=candidates)


# --- Services ------------------------------------------------------------------------------------


@transaction.atomic
def electronic_ballot_open(*, meeting, award_type, user=None):
    """Open an electronic round of this award for the round a paper count would record next:
    same blockers, number, seats and candidates. Refused while one is open."""
    meeting = ReviewMeeting.objects.select_for_update(of=("self",)).select_related("emulation_year").get(pk=meeting.pk)
    cluster_services.year_ensure_open(meeting.emulation_year)
    _require_chair(meeting, user)
    blockers = services.ballot_blockers(meeting)
    if blockers:
        raise ValidationError(blockers)
    services._require(meeting.emulation_year, "ballot")
    if open_ballot(meeting, award_type):
        raise ValidationError(_("An electronic ballot of this award is already open."))
    upcoming = selectors.next_round(meeting, award_type)
    if upcoming.last and not upcoming.last.needs_new_round:
        raise ValidationError(_("This ballot is decided. To correct it, record a new round with the reason."))
    if upcoming.seats < 1:
        raise ValidationError(_("The year's rule set allows no proposal of this award."))
    if not upcoming.candidates:
        raise ValidationError(_("There is no candidate in this round."))
    eb = ElectronicBallot.objects.create(
        meeting=meeting,
        award_type=award_type,
        number=upcoming.number,
        seats=upcoming.seats,
        opened_at=timezone.now(),
        opened_by=user,
    )
    eb.candidates.set(upcoming.candidates)
    return eb


@transaction.atomic
def ballot_codes_issue(*, ballot, count, user=None):
    """Make `count` new one-time codes for an open ballot (at least the delegations present
    the first time) and return them: only their digests are stored, the caller prints them
    once. `codes_issued` grows by `count` (the round's "ballots issued")."""
    eb = ElectronicBallot.objects.select_for_update().select_related("meeting__emulation_year").get(pk=ballot.pk)
    cluster_services.year_ensure_open(eb.meeting.emulation_year)
    _require_chair(eb.meeting, user)
    if not eb.is_open:
        raise ValidationError(_("This ballot round is closed: the code can no longer vote."))
    present = _present(eb.meeting)
    if count is None or count < 1 or count > MAX_CODES:
        raise ValidationError({"count": _("Enter a number of codes between 1 and %(max)s.") % {"max": MAX_CODES}})
    if eb.codes_issued + count < present:
        raise ValidationError(
            {
                "count": _("Print at least %(needed)s codes: one for each of the %(present)s delegations present.")
                % {"needed": present - eb.codes_issued, "present": present}
            }
        )
    codes = set()
    while len(codes) < count:
        codes.add(new_code())
    codes = sorted(codes, key=lambda _code: secrets.randbits(32))
    BallotCode.objects.bulk_create([BallotCode(ballot=eb, digest=code_digest(c)) for c in codes])
    ElectronicBallot.objects.filter(pk=eb.pk).update(codes_issued=F("codes_issued") + count)
    return codes


def vote_cast(*, code, choices, blank=False):
    """Cast a ballot with a one-time code, once. `choices`: nomination ids (at most the
    seats, each a candidate of the round); `blank` with no choice: a blank ballot.
    Refused with nothing stored when the code is spent, unknown, of another or closed round,
    or the choice is not possible. Stores only the ballot and the sorted choice."""
    vote_ballot = ballot_for_code(code)
    eb = vote_ballot.ballot
    try:
        chosen = sorted({int(c) for c in choices})
    except (TypeError, ValueError):
        raise ValidationError({"choice": _("A choice is not a candidate of this round.")}) from None
    allowed = {n.pk for n in vote_ballot.candidates}
    if any(c not in allowed for c in chosen):
        raise ValidationError({"choice": _("A choice is not a candidate of this round.")})
    if len(chosen) > eb.seats:
        raise ValidationError(
            {"choice": _("Choose at most %(seats)s candidates, or cast a blank ballot.") % {"seats": eb.seats}}
        )
    if blank and chosen:
        raise ValidationError({"choice": _("A blank ballot chooses no candidate: untick the candidates or the blank.")})
    if not blank and not chosen:
        raise ValidationError({"choice": _("Choose a candidate, or tick 'Blank ballot'.")})
    with transaction.atomic():
        # No join in this UPDATE: PostgreSQL then rechecks `spent` on the locked row itself, so
        # of simultaneous submissions only the first to commit updates a row (a join would make
        # Django write `id IN (subquery)`, which a concurrent commit does not re-evaluate). The
        # ballot still being open is checked by the conditional update of the ballot below.
        spent = BallotCode.objects.filter(digest=code_digest(code), spent=False, ballot_id=eb.pk).update(spent=True)
        if spent != 1:
            raise ValidationError({"code": _("This code has already voted. Each code votes once.")})
        present = _present(eb.meeting_id)
        counted = ElectronicBallot.objects.filter(pk=eb.pk, closed_at__isnull=True, codes_used__lt=present)
        if counted.update(codes_used=F("codes_used") + 1) != 1:
            # Rolls back the spent code too: more ballots than delegations present is impossible.
            raise ValidationError(
                {"code": _("Every delegation present has already voted: this ballot cannot be counted.")}
            )
        ElectronicVote.objects.create(ballot=eb, choices=chosen)
    return eb


@transaction.atomic
def electronic_ballot_close(*, ballot, user=None, chair_choice=()):
    """Close an open ballot and record its tally as the round's ballot-count record through
    `services.ballot_round_record` (same rules as a paper count). Refused, with the ballot
    still open, when the rules refuse the count or a tie needs the presiding chair's choice."""
    eb = (
        ElectronicBallot.objects.select_for_update()
        .select_related("meeting__emulation_year", "award_type")
        .get(pk=ballot.pk)
    )
    cluster_services.year_ensure_open(eb.meeting.emulation_year)
    _require_chair(eb.meeting, user)
    if not eb.is_open:
        raise ValidationError(_("This electronic ballot is already closed."))
    # Stop new votes first (inside this transaction): a code spent after this point is refused.
    eb.closed_at = timezone.now()
    eb.save(update_fields=["closed_at"])
    counted = tally(eb)
    ballot_round = services.ballot_round_record(
        meeting=eb.meeting,
        award_type=eb.award_type,
        issued=eb.codes_issued,
        returned=counted.returned,
        valid=counted.valid,
        invalid=0,
        votes=counted.votes,
        user=user,
        expected_number=eb.number,
        chair_choice=chair_choice,
        method=BallotMethod.ELECTRONIC,
        blank=counted.blank,
    )
    eb.ballot_round = ballot_round
    eb.save(update_fields=["ballot_round"])
    return ballot_round


@transaction.atomic
def electronic_ballot_cancel(*, ballot, reason, user=None):
    """Cancel an open ballot: it counts nothing (its votes are deleted, its codes can no longer
    vote) and the round may be opened again, on paper or electronically."""
    eb = ElectronicBallot.objects.select_for_update().select_related("meeting__emulation_year").get(pk=ballot.pk)
    cluster_services.year_ensure_open(eb.meeting.emulation_year)
    _require_chair(eb.meeting, user)
    if not eb.is_open:
        raise ValidationError(_("This electronic ballot is already closed."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for cancelling the ballot.")})
    ElectronicVote.objects.filter(ballot=eb).delete()
    eb.closed_at = timezone.now()
    eb.cancelled, eb.cancel_reason = True, reason.strip()[:2000]
    eb.save(update_fields=["closed_at", "cancelled", "cancel_reason"])
    return eb


def award_type_by_code(code):
    return AwardType.objects.get(code=code)

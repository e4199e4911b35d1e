"""The meeting room: the projector's live screen link and the delegations' check-in codes.

Services (the only writers of `ReviewMeeting.screen_token`, `Delegation.checkin_digest` and
`Delegation.checked_in_at`) and the screen's selector. A check-in code is shown once (on the
printed sheet); only its SHA-256 is stored. Check-in has nothing to do with voting.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cluster import services as cluster_services

from . import ballot, selectors
from .models import BallotRound, Delegation, ElectronicBallot, ReviewMeeting

#: Random bytes of a check-in code: 80 bits (the issue asks for at least 64).
CODE_BYTES = 10


def _require_chair(meeting, user):
    if user is not None and not user.has_perm("awards.run_meeting", meeting.emulation_year):
        raise PermissionDenied


def normalise_code(code):
    """What the delegate typed or scanned → the code's canonical form (no dashes, spaces, case)."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_digest(code):
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _new_code():
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode().rstrip("=")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


# --- The live screen's link ---------------------------------------------------------------------


@transaction.atomic
def screen_link_renew(*, meeting, user=None):
    """Create the projector's link, or replace it: the old link stops working at once."""
    cluster_services.year_ensure_open(meeting.emulation_year)
    _require_chair(meeting, user)
    meeting.screen_token = secrets.token_urlsafe(32)
    ReviewMeeting.objects.filter(pk=meeting.pk).update(screen_token=meeting.screen_token)
    return meeting.screen_token


def meeting_for_screen(token):
    """The meeting whose screen link this is, or None (an empty or unknown token)."""
    if not token or len(token) > 64:
        return None
    return (
        ReviewMeeting.objects.filter(screen_token=token)
        .select_related("emulation_year__rule_set", "emulation_year__cluster", "host_province")
        .first()
    )


# --- Check-in codes -----------------------------------------------------------------------------


def _ensure_checkin_open(meeting):
    cluster_services.year_ensure_open(meeting.emulation_year)
    if meeting.attendance_confirmed_at:
        raise ValidationError(_("The attendance has already been confirmed: check-in is closed."))


@transaction.atomic
def checkin_codes_issue(*, meeting, user=None):
    """A new check-in code for every delegation, [(delegation, code)], to print once; codes
    printed before stop working. Check-ins already made stay."""
    _ensure_checkin_open(meeting)
    _require_chair(meeting, user)
    issued = []
    delegations = list(Delegation.objects.filter(meeting=meeting).select_related("province"))
    for delegation in delegations:
        code = _new_code()
        delegation.checkin_digest = code_digest(code)
        issued.append((delegation, code))
    Delegation.objects.bulk_update(delegations, ["checkin_digest"])
    return issued


@transaction.atomic
def checkin(*, code):
    """A delegation checks in with its own code: it shows as present on the console and the
    screen until the secretary confirms the attendance. Returns the delegation."""
    normalised = normalise_code(code)
    if len(normalised) < 13:  # 64 bits in base 32
        raise ValidationError({"code": _("This check-in code is not valid. Check it and type it again.")})
    delegation = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("meeting__emulation_year", "province")
        .filter(checkin_digest=code_digest(normalised))
        .first()
    )
    if delegation is None:
        raise ValidationError({"code": _("This check-in code is not valid. Check it and type it again.")})
    try:
        _ensure_checkin_open(delegation.meeting)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from None
    if delegation.checked_in_at is None:
        delegation.checked_in_at = timezone.now()
        Delegation.objects.filter(pk=delegation.pk).update(checked_in_at=delegation.checked_in_at)
    return delegation


# --- What the screen and the console show -------------------------------------------------------


@dataclass
class Attendance:
    present: int
    members: int
    needed: int
    quorum_met: bool
    confirmed: bool
    checked_in: list = field(default_factory=list)  # province names, before the confirmation

    @property
    def text(self):
        if self.quorum_met:
            return _("%(present)s/%(members)s members present – quorum met") % vars(self)
        return _("%(present)s/%(members)s members present – no quorum yet (%(needed)s needed)") % vars(self)


def attendance_of(meeting):
    """Members present: as confirmed, or, before the confirmation, those checked in or ticked."""
    delegations = list(Delegation.objects.filter(meeting=meeting).select_related("province"))
    confirmed = meeting.attendance_confirmed_at is not None
    if confirmed:
        here = [d for d in delegations if d.present]
    else:
        here = [d for d in delegations if d.present or d.checked_in_at]
    quorum = meeting.emulation_year.rule_set.quorum_percent
    return Attendance(
        present=len(here),
        members=len(delegations),
        needed=ballot.quorum_needed(members=len(delegations), quorum_percent=quorum),
        quorum_met=ballot.has_quorum(present=len(here), members=len(delegations), quorum_percent=quorum),
        confirmed=confirmed,
        checked_in=[d.province.name for d in delegations if d.checked_in_at],
    )


@dataclass
class AwardState:
    award: object
    number: int | None = None
    open: bool = False
    received: int = 0
    issued: int = 0
    lines: list = field(default_factory=list)  # (province name, rule applied, elected)


def screen_state(meeting):
    """Everything the projector shows, and nothing else: the meeting, the attendance and, for
    each award in play, the open electronic round's count of ballots received (never a partial
    result) or the last confirmed round's results with the rule applied."""
    emulation_year = meeting.emulation_year
    rule_set = emulation_year.rule_set
    awards = {a.pk: AwardState(award=a) for a in selectors.award_types_in_play(emulation_year)}
    rounds = (
        BallotRound.objects.filter(meeting=meeting)
        .select_related("award_type")
        .prefetch_related("results__nomination__province")
        .order_by("award_type__order", "number")
    )
    for ballot_round in rounds:
        state = awards.setdefault(ballot_round.award_type_id, AwardState(award=ballot_round.award_type))
        state.number = ballot_round.number
        state.lines = [
            (r.nomination.province.name, selectors.explain(r, rule_set), r.elected) for r in ballot_round.results.all()
        ]
    # codes_used grows in the same transaction that spends a code and stores its vote: it is the count.
    opened = ElectronicBallot.objects.open().filter(meeting=meeting).select_related("award_type")
    for electronic in opened:
        state = awards.setdefault(electronic.award_type_id, AwardState(award=electronic.award_type))
        state.number, state.open, state.lines = electronic.number, True, []
        state.received, state.issued = electronic.codes_used, electronic.codes_issued
    return {
        "meeting": meeting,
        "attendance": attendance_of(meeting),
        "awards": sorted(awards.values(), key=lambda s: (s.award.order, s.award.pk)),
    }

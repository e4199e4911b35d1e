"""State changes of the review meeting, the ballot and the nominations; closing a year.

Each public function is one transaction; a refused step raises ValidationError and
leaves the year exactly as it was.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cluster import selectors as cluster_selectors
from cluster import services as cluster_services
from cluster import workflow
from cluster.models import EmulationYear, RuleSet
from common import events
from common.history import set_change_reason
from scoring.models import Scorecard

from . import ballot, selectors
from .enums import PROPOSED_BY_THE_CLUSTER, BallotMethod, CommitteeRole, NominationStatus, Outcome
from .models import (
    FLAG,
    AwardType,
    BallotResult,
    BallotRound,
    CountingCommitteeMember,
    Delegate,
    Delegation,
    ElectronicBallot,
    Guest,
    Nomination,
    ReviewMeeting,
    WrittenVote,
)


def _require(emulation_year, step):
    """Refuse a step the year is not ready for, naming what is missing (cluster.workflow)."""
    try:
        workflow.require(selectors.year_facts(emulation_year), step)
    except workflow.StepRefused as refused:
        raise ValidationError(
            [_("“%(step)s” cannot be done yet:") % {"step": workflow.LABELS[step]}, *refused.messages]
        ) from None


# --- The meeting and its attendance ----------------------------------------------------------


@transaction.atomic
def meeting_save(*, emulation_year, user=None, **fields):
    """Create or change the year's review meeting; one delegation row per member on creation."""
    cluster_services.year_ensure_open(emulation_year)
    meeting = ReviewMeeting.objects.filter(emulation_year=emulation_year).first()
    created = meeting is None
    meeting = meeting or ReviewMeeting(emulation_year=emulation_year)
    fields = _meeting_people(emulation_year, fields, user)
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    set_change_reason(meeting, _("Meeting details saved"), user)
    meeting.save()
    if created:
        Delegation.objects.bulk_create(
            [Delegation(meeting=meeting, province=m.province) for m in cluster_selectors.members_of(emulation_year)]
        )
    events.meeting_set.send(sender=ReviewMeeting, meeting=meeting, user=user, created=created)
    return meeting


def _meeting_people(emulation_year, fields, user):
    """The presiding person and the secretary: a person of the year picked (their name and post
    are copied, so the minutes keep them), or a name typed once, which is linked to the year's
    person of that name or added to the host province's people."""
    fields = dict(fields)
    for role in ("presiding", "secretary"):
        key, name_key, post_key = f"{role}_person", f"{role}_name", f"{role}_post"
        if key not in fields and name_key not in fields:
            continue
        person = fields.get(key)
        if person is not None:
            if person.emulation_year_id != emulation_year.pk:
                raise ValidationError(
                    {key: _("This person is not among the people of %(year)s.") % {"year": emulation_year.year}}
                )
            fields[name_key], fields[post_key] = person.full_name, person.post
            continue
        name = " ".join((fields.get(name_key) or "").split())
        if not name:
            continue
        found = cluster_selectors.people_of(emulation_year).filter(full_name=name)
        host = fields.get("host_province")
        person = found.filter(province=host).first() or found.first()
        if person is None and host is not None:
            try:
                person = cluster_services.person_save(
                    emulation_year=emulation_year,
                    user=user,
                    province=host,
                    full_name=name,
                    post=fields.get(post_key) or "",
                )
            except ValidationError as error:
                raise ValidationError({name_key: error.messages}) from None
        fields[key], fields[name_key] = person, name
    return fields


def parse_people(text):
    """ "Full name – post" per line (a dash or a comma separates the post) → [(name, post)]."""
    people = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        for separator in (" – ", " - ", ", "):
            if separator in line:
                name, post = line.split(separator, 1)
                break
        else:
            name, post = line, ""
        people.append((name.strip()[:150], post.strip()[:200]))
    return people


def _people_rows(people):
    """(person or None, full name, post) of each delegate given as a person of the year
    (`cluster.Person`: its name and post are copied) or as typed (name, post)."""
    rows = []
    for entry in people:
        if hasattr(entry, "full_name"):
            rows.append((entry, entry.full_name, entry.post))
        else:
            name, post = entry
            rows.append((None, name, post))
    return rows


def _delegate_people(emulation_year, province, rows, user, field=None):
    """Each delegate (or guest: `province` None, the central delegates) a person of the
    province's people of the year: a name typed is the person of that name, or is added to the
    people once (the next meeting, covenant or committee picks them). A person named twice is
    kept once."""
    field = field or f"delegates_{province.pk}"
    known = {p.full_name: p for p in cluster_selectors.people_of(emulation_year, province or "central")}
    result, seen = [], set()
    for person, name, post in rows:
        if person is None:
            name = " ".join(name.split())
            person = known.get(name)
            if person is None:
                try:
                    person = cluster_services.person_save(
                        emulation_year=emulation_year, user=user, province=province, full_name=name, post=post
                    )
                except ValidationError as error:
                    raise ValidationError({field: error.messages}) from None
                known[name] = person
            post = post or person.post
        if person.pk in seen:
            continue
        seen.add(person.pk)
        result.append((person, person.full_name, post))
    return result


def _written_opinion_errors(*, emulation_year, rule_set, delegations, present, written, awards):
    """What is wrong with the written opinions given to `attendance_confirm`, by form field."""
    errors = {}
    if not written:
        return errors
    members = {d.province_id for d in delegations}
    names = {d.province_id: d.province for d in delegations}
    if not rule_set.written_votes_allowed and any(
        opinion.get("sent") or any(opinion.get("choices", {}).values()) for opinion in written.values()
    ):
        errors[NON_FIELD_ERRORS] = [
            _("The rule set of %(year)s does not allow written votes: record only who is present.")
            % {"year": emulation_year.year}
        ]
        return errors
    for province_id, opinion in written.items():
        province = names.get(province_id)
        sent, choices = bool(opinion.get("sent")), opinion.get("choices", {})
        if province is None:
            message = _("A written opinion names a province that is not a member.")
            errors.setdefault(NON_FIELD_ERRORS, []).append(message)
            continue
        if sent and province_id in present:
            errors[f"written_{province_id}"] = _(
                "%(province)s is marked present: a member at the meeting votes there, not in writing."
            ) % {"province": province}
        if not sent and any(choices.values()):
            errors[f"written_{province_id}"] = _(
                "Tick that %(province)s sent a written opinion, or clear the members it names."
            ) % {"province": province}
        for award_type, seats in awards:
            chosen = set(choices.get(award_type.pk, ()))
            field = f"written_{province_id}_{award_type.code}"
            if chosen - members:
                errors[field] = _("Only members of the cluster can be named.")
            elif len(chosen) > seats:
                errors[field] = _(
                    "%(province)s's written opinion names %(count)s members for %(award)s: at most %(seats)s, "
                    "the proposals of the year."
                ) % {"province": province, "count": len(chosen), "award": award_type.name, "seats": seats}
        if set(choices) - {award_type.pk for award_type, _seats in awards}:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("A written opinion names an award the cluster proposes none of this year.")
            )
    return errors


@transaction.atomic
def attendance_confirm(*, meeting, present, delegates, guests, written=None, user=None):
    """Record who is present (`present`: province ids), each delegation's delegates
    ({province id: [person of the province, or typed (name, post)]}: someone typed joins the
    province's people once), the guests (central delegates, or typed) and, when the rule set allows written votes,
    the absent members' written opinions, then check the year's quorum.

    `written`: {province id: {"sent": bool, "choices": {award type id: {province ids}}}}: an
    absent member sent a written opinion agreeing to propose those members (at most the
    year's proposals of each award; none is an opinion agreeing to none). A member marked
    present never has one. Without quorum the attendance is still recorded, and the ballot
    stays closed. Refused whole, with each error next to its field, when anything is wrong.
    """
    emulation_year = meeting.emulation_year
    cluster_services.year_ensure_open(emulation_year)
    if meeting.ballot_rounds.exists():
        raise ValidationError(_("Ballots have been counted: the attendance can no longer change."))
    rule_set = RuleSet.objects.get(emulation_year=emulation_year)
    written = written or {}
    delegations = list(meeting.delegations.select_related("province"))
    awards = selectors.written_vote_awards(emulation_year)
    errors = _written_opinion_errors(
        emulation_year=emulation_year,
        rule_set=rule_set,
        delegations=delegations,
        present=present,
        written=written,
        awards=awards,
    )
    for delegation in delegations:
        is_present = delegation.province_id in present
        people = delegates.get(delegation.province_id, [])
        if is_present and not people:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("%(province)s is marked present: name at least one delegate.") % {"province": delegation.province}
            )
        strangers = [
            p.full_name
            for p in people
            if hasattr(p, "full_name")
            and (p.emulation_year_id != emulation_year.pk or p.province_id != delegation.province_id)
        ]
        if strangers:
            errors.setdefault(f"delegates_{delegation.province_id}", []).append(
                _("%(names)s is not among the people of %(province)s in %(year)s.")
                % {"names": ", ".join(strangers), "province": delegation.province, "year": emulation_year.year}
            )
    odd_guests = [
        g.full_name
        for g in guests
        if hasattr(g, "full_name") and (g.emulation_year_id != emulation_year.pk or g.province_id is not None)
    ]
    if odd_guests:
        errors["guests"] = _("%(names)s is not among the central delegates of %(year)s.") % {
            "names": ", ".join(odd_guests),
            "year": emulation_year.year,
        }
    if errors:
        raise ValidationError(errors)
    award_ids = {award_type.pk for award_type, _seats in awards}
    for delegation in delegations:
        opinion = written.get(delegation.province_id, {})
        delegation.present = delegation.province_id in present
        delegation.written_opinion = bool(opinion.get("sent")) and not delegation.present
        set_change_reason(delegation, _("Attendance confirmed"), user)
        delegation.save(update_fields=["present", "written_opinion"])
        delegation.delegates.all().delete()
        rows = _delegate_people(
            emulation_year, delegation.province, _people_rows(delegates.get(delegation.province_id, [])), user
        )
        Delegate.objects.bulk_create(
            [
                Delegate(delegation=delegation, person=person, full_name=name, post=post, order=i)
                for i, (person, name, post) in enumerate(rows)
            ]
        )
        delegation.written_votes.all().delete()
        if delegation.written_opinion:
            WrittenVote.objects.bulk_create(
                [
                    WrittenVote(delegation=delegation, award_type_id=award_id, province_id=province_id)
                    for award_id, chosen in opinion.get("choices", {}).items()
                    if award_id in award_ids
                    for province_id in sorted(set(chosen))
                ]
            )
    # A committee member of a delegation now recorded absent no longer sits on the committee.
    absent = [d.province_id for d in delegations if not d.present]
    for member in meeting.committee_members.filter(province_id__in=absent):
        set_change_reason(member, _("Attendance confirmed"), user)
        member.delete()
    meeting.guests.all().delete()
    guest_rows = _delegate_people(emulation_year, None, _people_rows(guests), user, field="guests")
    Guest.objects.bulk_create(
        [
            Guest(meeting=meeting, person=person, full_name=name, post=post, order=i)
            for i, (person, name, post) in enumerate(guest_rows)
        ]
    )
    # Counted in the database: `meeting.delegations` may hold rows prefetched before this change.
    count_present = Delegation.objects.filter(meeting=meeting, present=True).count()
    members = Delegation.objects.filter(meeting=meeting).count()
    meeting.quorum_met = ballot.has_quorum(
        present=count_present, members=members, quorum_percent=rule_set.quorum_percent
    )
    meeting.attendance_confirmed_at = timezone.now()
    set_change_reason(meeting, _("Attendance confirmed"), user)
    meeting.save(update_fields=["quorum_met", "attendance_confirmed_at"])
    return meeting


@transaction.atomic
def counting_committee_elect(*, meeting, head, members, user=None):
    """Record the vote-counting committee (ban kiểm phiếu) the meeting elected: `head` and
    `members` are people of the year (`cluster.Person`) from the delegations present or the
    central delegates; at least two people in all, each once. Allowed once the attendance is
    confirmed with its quorum, until the first ballot round is recorded (the records it signs
    name it); before that a new election replaces the committee. Only the chair of the year
    or an admin (`awards.run_meeting`)."""
    meeting = ReviewMeeting.objects.select_for_update(of=("self",)).select_related("emulation_year").get(pk=meeting.pk)
    emulation_year = meeting.emulation_year
    cluster_services.year_ensure_open(emulation_year)
    if user is not None and not user.has_perm("awards.run_meeting", emulation_year):
        raise ValidationError(_("Only the chair of the year or an admin records the vote-counting committee."))
    if meeting.ballot_rounds.exists():
        raise ValidationError(
            _(
                "A ballot round has been counted and signed by the vote-counting committee: "
                "the committee can no longer change."
            )
        )
    _require(emulation_year, "committee")
    members = [person for person in (members or []) if person is not None]
    errors = {}
    if head is None:
        errors["head"] = _("Choose the head of the vote-counting committee.")
    people = ([head] if head is not None else []) + members
    if len({p.pk for p in people}) != len(people):
        errors["members"] = _("Each person is on the committee once: the head is not also a member.")
    elif head is not None and len(people) < 2:
        errors["members"] = _("The vote-counting committee has at least two people: its head and a member.")
    allowed = {p.pk for p in selectors.committee_candidates(meeting)}
    outside = [p for p in people if p.pk not in allowed]
    if outside:
        field = "head" if head in outside else "members"
        errors.setdefault(field, []).append(
            _("%(names)s is not among the people of the delegations present or the central delegates of %(year)s.")
            % {"names": ", ".join(p.full_name for p in outside), "year": emulation_year.year}
        )
    if errors:
        raise ValidationError(errors)
    for old in meeting.committee_members.all():  # one by one, so that the history keeps each removal
        set_change_reason(old, _("Vote-counting committee elected again"), user)
        old.delete()
    rows = []
    for order, person in enumerate(people):
        row = CountingCommitteeMember(
            meeting=meeting,
            person=person,
            full_name=person.full_name,
            post=person.post,
            province_id=person.province_id,
            role=CommitteeRole.HEAD if order == 0 else CommitteeRole.MEMBER,
            order=order,
        )
        row.full_clean()
        set_change_reason(row, _("Vote-counting committee elected"), user)
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def ranking_adopt(*, meeting, user=None):
    cluster_services.year_ensure_open(meeting.emulation_year)
    if meeting.ranking_adopted_at:
        return meeting  # a second submit changes nothing
    _require(meeting.emulation_year, "ranking")
    meeting.ranking_adopted_at = timezone.now()
    set_change_reason(meeting, _("Ranking adopted"), user)
    meeting.save(update_fields=["ranking_adopted_at"])
    return meeting


def award_types_ensure():
    """The two national awards every cluster proposes for (also seeded by a migration)."""
    from .models import CERTIFICATE, FLAG

    for code, name, order in (
        (FLAG, "Cờ thi đua của Chính phủ", 1),
        (CERTIFICATE, "Bằng khen của Thủ tướng Chính phủ", 2),
    ):
        AwardType.objects.get_or_create(code=code, defaults={"name": name, "order": order})


# --- Nominations -------------------------------------------------------------------------------


def nominations_default(*, emulation_year):
    """The default candidates from the agreed ranking: the leading member for the flag,
    the next ones for the certificate (then further award types in order), within quotas.
    Returns [(award_type, [scorecard, ...])]."""
    ranked = list(
        Scorecard.objects.filter(emulation_year=emulation_year, rank__isnull=False)
        .select_related("province")
        .order_by("rank", "province__code")
    )
    result, position = [], 0
    for award_type in AwardType.objects.order_by("order", "pk"):
        count = selectors.quota_for(emulation_year, award_type)
        result.append((award_type, ranked[position : position + count]))
        position += count
    return result


def _vi_rationale(scorecard, emulation_year):
    """The default rationale, kept in Vietnamese (it goes into the dossier) with a decimal comma
    and no trailing zeros ("99,5"), whatever the language of who proposed it."""
    with translation.override("vi"):
        return _("Ranked %(rank)s with %(total)s agreed points in %(year)s.") % {
            "rank": scorecard.rank,
            "total": selectors.percent_text(scorecard.agreed_total),
            "year": emulation_year.year,
        }


@transaction.atomic
def nominations_propose_defaults(*, meeting, user=None):
    """Create the default nominations from the ranking (only when none exist yet)."""
    emulation_year = meeting.emulation_year
    cluster_services.year_ensure_open(emulation_year)
    _require(emulation_year, "nominations")
    if Nomination.objects.filter(emulation_year=emulation_year).exists():
        return list(Nomination.objects.filter(emulation_year=emulation_year))
    created = []
    for award_type, scorecards in nominations_default(emulation_year=emulation_year):
        for scorecard in scorecards:
            nomination = Nomination(
                emulation_year=emulation_year,
                award_type=award_type,
                province=scorecard.province,
                rank=scorecard.rank,
                rationale=_vi_rationale(scorecard, emulation_year),
            )
            set_change_reason(nomination, _("Nominated from the ranking"), user)
            nomination.save()
            created.append(nomination)
    return created


@transaction.atomic
def nomination_save(*, meeting, award_type, province, rationale, departure_reason="", user=None, nomination=None):
    """Add or change a candidate. A candidate must be a member; each type keeps to its quota
    of candidates plus those the chair adds for the ballot."""
    emulation_year = meeting.emulation_year
    cluster_services.year_ensure_open(emulation_year)
    if meeting.nominations_confirmed_at:
        raise ValidationError(_("The nominations are confirmed: the ballot has its candidates."))
    _require(emulation_year, "nominations")
    if province.pk not in cluster_selectors.member_province_ids(emulation_year):
        raise ValidationError(
            {
                "province": _("%(province)s is not a member of the cluster in %(year)s.")
                % {"province": province, "year": emulation_year.year}
            }
        )
    if not (rationale or "").strip():
        raise ValidationError({"rationale": _("Give the rationale of the nomination.")})
    if selectors.quota_for(emulation_year, award_type) < 1:
        raise ValidationError(
            {"award_type": _("The year's rule set allows no proposal of %(award)s.") % {"award": award_type.name}}
        )
    rank = (
        Scorecard.objects.filter(emulation_year=emulation_year, province=province)
        .values_list("rank", flat=True)
        .first()
    )
    departure_reason = (departure_reason or "").strip()
    leading = (
        Scorecard.objects.filter(emulation_year=emulation_year, rank=1).values_list("province_id", flat=True).first()
    )
    if award_type.code == FLAG and province.pk != leading and not departure_reason:
        raise ValidationError(
            {
                "departure_reason": _(
                    "The Government emulation flag goes to the leading unit of the ranking: say why the meeting "
                    "proposes %(province)s instead (the minutes print it)."
                )
                % {"province": province}
            }
        )
    nomination = nomination or Nomination(emulation_year=emulation_year)
    nomination.award_type, nomination.province, nomination.rationale, nomination.rank = (
        award_type,
        province,
        rationale.strip(),
        rank,
    )
    nomination.departure_reason = departure_reason if award_type.code == FLAG and province.pk != leading else ""
    nomination.full_clean()
    set_change_reason(nomination, _("Nomination saved"), user)
    nomination.save()
    return nomination


@transaction.atomic
def nomination_remove(*, meeting, nomination, user=None):
    cluster_services.year_ensure_open(meeting.emulation_year)
    if meeting.nominations_confirmed_at:
        raise ValidationError(_("The nominations are confirmed: the ballot has its candidates."))
    _require(meeting.emulation_year, "nominations")
    nomination.delete()


@transaction.atomic
def nominations_confirm(*, meeting, user=None):
    cluster_services.year_ensure_open(meeting.emulation_year)
    if meeting.nominations_confirmed_at:
        return meeting  # a second submit changes nothing
    _require(meeting.emulation_year, "nominations")
    nominations = list(Nomination.objects.filter(emulation_year=meeting.emulation_year).select_related("award_type"))
    if not nominations:
        raise ValidationError(_("There is no nomination to put to the vote."))
    meeting.nominations_confirmed_at = timezone.now()
    set_change_reason(meeting, _("Nominations confirmed"), user)
    meeting.save(update_fields=["nominations_confirmed_at"])
    return meeting


# --- The secret ballot ----------------------------------------------------------------------------


def ballot_blockers(meeting):
    """Why no ballot can be opened yet (empty when it can)."""
    blockers = []
    if meeting is None:
        return [_("The review meeting has not been set up.")]
    if not meeting.attendance_confirmed_at:
        blockers.append(_("The attendance has not been confirmed."))
    elif not meeting.quorum_met:
        rule_set = meeting.emulation_year.rule_set
        present = sum(1 for d in meeting.delegations.all() if d.present)
        blockers.append(
            _("No quorum: %(present)s of %(members)s members present, the rule set asks for %(quorum)s%%.")
            % {
                "present": present,
                "members": len(meeting.delegations.all()),
                "quorum": selectors.percent_text(rule_set.quorum_percent),
            }
        )
    if not meeting.nominations_confirmed_at:
        blockers.append(_("The nominations have not been confirmed."))
    if not meeting.committee_members.exists():
        blockers.append(str(workflow.BLOCKERS["committee_not_elected"]))
    if meeting.emulation_year.is_closed:
        blockers.append(_("The emulation year %(year)s is closed.") % {"year": meeting.emulation_year.year})
    return blockers


def count_error_message(error, names):
    """The Vietnamese message for an impossible count (see `ballot.check_counts`)."""
    params = {**error.params, "candidate": names.get(error.candidate, error.candidate)}
    templates = {
        "negative": _("Counts cannot be negative."),
        "no_seat": _("There must be at least one seat."),
        "no_candidate": _("There is no candidate in this round."),
        "returned_above_issued": _("%(returned)s ballots returned is more than the %(issued)s issued."),
        "valid_invalid_mismatch": _(
            "Valid (%(valid)s) plus invalid (%(invalid)s) ballots must equal the %(returned)s returned."
        ),
        "issued_above_present": _("%(issued)s ballots issued is more than the %(present)s delegations present."),
        "returned_above_present": _("%(returned)s ballots returned is more than the %(present)s delegations present."),
        "votes_above_valid": _("%(candidate)s has %(votes)s votes, more than the %(valid)s valid ballots."),
        "total_above_capacity": _(
            "%(total)s votes in all is more than %(valid)s valid ballots × %(seats)s seats = %(capacity)s."
        ),
    }
    template = templates[error.code]
    return template % params if "%(" in template else template


def _written_opinions(meeting, award_type, candidates):
    """{absent member's province id: the candidates (nomination ids) its written opinion agrees
    to for this award}, for `ballot.decide`. Only delegations recorded absent (a database
    constraint keeps a present one from having an opinion)."""
    nomination_of = {n.province_id: n.pk for n in candidates}
    opinions = {
        province_id: set()
        for province_id in Delegation.objects.filter(meeting=meeting, present=False, written_opinion=True).values_list(
            "province_id", flat=True
        )
    }
    for province_id, chosen in WrittenVote.objects.filter(
        delegation__meeting=meeting, delegation__present=False, delegation__written_opinion=True, award_type=award_type
    ).values_list("delegation__province_id", "province_id"):
        if chosen in nomination_of:
            opinions[province_id].add(nomination_of[chosen])
    return opinions


@transaction.atomic
def ballot_round_record(
    *,
    meeting,
    award_type,
    issued,
    returned,
    valid,
    invalid,
    votes,
    user=None,
    correction_reason="",
    expected_number=None,
    chair_choice=(),
    method=BallotMethod.PAPER,
    blank=0,
):
    """Record and confirm a round the vote-counting committee counted.

    `votes`: {nomination id: votes} of the ballots cast at the meeting; when the rule set
    allows written votes, the absent members' written opinions recorded with the attendance
    are added by `ballot.decide` (never typed again here, so never counted twice).
    `chair_choice`: under the chair's-vote tie rule, the nomination ids the presiding chair
    chose after a tie at the cut-off. `expected_number`: the round the form was opened for,
    so that a second submit of the same form stores nothing. Refused, with nothing stored,
    when the count is impossible, no ballot may be opened, or a tie needs the chair's choice.
    A round corrects the last confirmed round when `correction_reason` is given; otherwise
    it is the next round (after a tie at the cut-off, between the tied candidates only).
    The stored round never changes.
    """
    meeting = (
        ReviewMeeting.objects.select_for_update(of=("self",))
        .select_related("emulation_year__rule_set")
        .get(pk=meeting.pk)
    )
    blockers = ballot_blockers(meeting)
    if blockers:
        raise ValidationError(blockers)
    _require(meeting.emulation_year, "ballot")
    if (
        method == BallotMethod.PAPER
        and ElectronicBallot.objects.open().filter(meeting=meeting, award_type=award_type).exists()
    ):
        raise ValidationError(
            _(
                "An electronic ballot of this award is open: close or cancel it on its page before recording a "
                "paper count."
            )
        )
    correction_reason = (correction_reason or "").strip()
    upcoming = selectors.next_round(meeting, award_type, correcting=bool(correction_reason))
    if expected_number is not None and expected_number != upcoming.number:
        raise ValidationError(
            _("Round %(number)s of this ballot is already recorded (sent twice?): nothing was recorded again.")
            % {"number": expected_number}
        )
    last, candidates, seats = upcoming.last, upcoming.candidates, upcoming.seats
    if last and not last.needs_new_round and not correction_reason:
        raise ValidationError(_("This ballot is decided. To correct it, record a new round with the reason."))
    if correction_reason and last is None:
        raise ValidationError(_("There is no round to correct."))
    if correction_reason and any(n.status in (NominationStatus.SENT, NominationStatus.DECIDED) for n in candidates):
        raise ValidationError(
            _("A nomination of this ballot has been sent to the central board: its count can no longer be corrected.")
        )
    names = {n.pk: n.province.name for n in candidates}
    if set(votes) != set(names):
        raise ValidationError(_("Enter the votes of every candidate of this round, and only theirs."))
    rule_set = meeting.emulation_year.rule_set
    count = ballot.RoundCount(
        issued=issued, returned=returned, valid=valid, invalid=invalid, votes=dict(votes), seats=max(seats, 1)
    )
    present = sum(1 for d in meeting.delegations.all() if d.present)
    errors = ballot.check_counts(count, present=present, electronic=method == BallotMethod.ELECTRONIC)
    if not 0 <= (blank or 0) <= valid:
        raise ValidationError(_("Blank ballots cannot be more than the valid ballots."))
    if seats < 1:
        raise ValidationError(_("The year's rule set allows no proposal of this award."))
    if errors:
        raise ValidationError([count_error_message(e, names) for e in errors])
    ranking = {n.pk: n.rank or 10**6 for n in candidates}
    outcome = ballot.decide(
        count,
        members=len(meeting.delegations.all()),
        threshold_percent=rule_set.vote_threshold_percent,
        strict=rule_set.vote_threshold_strict,
        base=rule_set.vote_base,
        tie_rule=rule_set.ballot_tie_rule,
        ranking=ranking,
        present=present,
        written_opinions=_written_opinions(meeting, award_type, candidates) if rule_set.written_votes_allowed else None,
        chair_choice=set(chair_choice or ()),
    )
    if outcome.chair_choice_needed:
        tied = ", ".join(names[key] for key in outcome.tied)
        votes_at_tie = next(r.votes for r in outcome.results if r.key in outcome.tied)
        message = (
            _(
                "%(candidates)s are tied at the cut-off with %(votes)s votes: tick the candidate the presiding "
                "chair chose."
            )
            if outcome.chair_choice_needed == 1
            else _(
                "%(candidates)s are tied at the cut-off with %(votes)s votes: tick the %(seats)s candidates the "
                "presiding chair chose."
            )
        )
        params = {"candidates": tied, "votes": votes_at_tie, "seats": outcome.chair_choice_needed}
        raise ValidationError({"chair_choice": message % params})
    if outcome.chair_choice_unused:
        raise ValidationError(
            {"chair_choice": _("No tie at the cut-off needs the presiding chair's vote: leave the choice empty.")}
        )
    ballot_round = BallotRound.objects.create(
        meeting=meeting,
        award_type=award_type,
        number=upcoming.number,
        seats=count.seats,
        issued=issued,
        returned=returned,
        valid=valid,
        invalid=invalid,
        corrects=last if correction_reason else None,
        correction_reason=correction_reason,
        needs_new_round=outcome.needs_new_round,
        written_ballots=len(outcome.written.counted),
        method=method,
        blank=blank or 0,
        confirmed_at=timezone.now(),
        confirmed_by=user,
    )
    by_pk = {n.pk: n for n in candidates}
    BallotResult.objects.bulk_create(
        [
            BallotResult(
                ballot_round=ballot_round,
                nomination=by_pk[r.key],
                votes=r.votes,
                base=r.base,
                percent=r.percent,
                passes=r.passes,
                elected=r.elected,
                decided_by_ranking=r.decided_by_ranking,
                tied=r.tied,
                written_votes=r.written_votes,
                decided_by_chair=r.decided_by_chair,
            )
            for r in outcome.results
        ]
    )
    for result in outcome.results:
        nomination = by_pk[result.key]
        if result.tied:
            status = NominationStatus.CANDIDATE
        else:
            status = NominationStatus.PROPOSED if result.elected else NominationStatus.NOT_PROPOSED
        if nomination.status != status:
            nomination.status = status
            set_change_reason(nomination, _("Ballot round %(number)s") % {"number": ballot_round.number}, user)
            nomination.save(update_fields=["status"])
    return ballot_round


# --- Next year's term, closing, after the meeting -----------------------------------------------


@transaction.atomic
def next_term_record(*, meeting, chair, vice_chair, user=None):
    """Record the meeting's election of next year's chair and vice-chair: next year is opened
    with this year's members when it does not exist yet. The term then waits for an admin's
    confirmation (cluster.services.term_assign); a term an admin has confirmed is not changed
    by the meeting (the same choice is simply recorded)."""
    emulation_year = meeting.emulation_year
    cluster_services.year_ensure_open(emulation_year)
    _require(emulation_year, "term")
    next_year = EmulationYear.objects.filter(cluster=emulation_year.cluster, year=emulation_year.year + 1).first()
    if next_year is None:
        members, _changes = cluster_selectors.members_for_year(
            [(m.province, m.rotation_order) for m in cluster_selectors.members_of(emulation_year)],
            emulation_year.year + 1,
        )
        next_year = cluster_services.emulation_year_open(
            cluster=emulation_year.cluster, year=emulation_year.year + 1, members=members
        )
    cluster_services.term_assign(emulation_year=next_year, chair=chair, vice_chair=vice_chair, user=user, confirm=False)
    meeting.term_recorded_at = timezone.now()
    set_change_reason(meeting, _("Next year's chair and vice-chair recorded"), user)
    meeting.save(update_fields=["term_recorded_at"])
    return meeting


@transaction.atomic
def emulation_year_close(*, emulation_year, user=None):
    """Close the year: everything of it (scores, covenant, meeting, ballots, nominations
    but their decisions) becomes read-only, in one transaction."""
    emulation_year = EmulationYear.objects.select_for_update().get(pk=emulation_year.pk)
    cluster_services.year_ensure_open(emulation_year)
    facts = selectors.year_facts(emulation_year)
    blockers = []
    for step in workflow.year_steps(facts):
        if step.key != "close" and not step.done and step.blocker not in blockers:
            blockers.append(step.blocker)
    if blockers:
        raise ValidationError([_("The year cannot be closed yet:"), *blockers])
    emulation_year.closed_at = timezone.now()
    set_change_reason(emulation_year, _("Year closed"), user)
    emulation_year.save(update_fields=["closed_at"])
    return emulation_year


@transaction.atomic
def emulation_year_reopen(*, emulation_year, reason, user=None):
    """An admin re-opens a closed year; the reason is kept in the year's history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the year is re-opened.")})
    emulation_year = EmulationYear.objects.select_for_update().get(pk=emulation_year.pk)
    if not emulation_year.is_closed:
        raise ValidationError(_("The emulation year %(year)s is not closed.") % {"year": emulation_year.year})
    emulation_year.closed_at = None
    set_change_reason(emulation_year, reason, user)
    emulation_year.save(update_fields=["closed_at"])
    return emulation_year


@transaction.atomic
def nomination_record_progress(
    *, nomination, user=None, sent_on=None, decision_number="", decision_date=None, outcome=""
):
    """After the meeting: sent to the central board, then the government's decision. Allowed
    on a closed year (decisions come months later)."""
    if nomination.status not in PROPOSED_BY_THE_CLUSTER:
        raise ValidationError(_("Only a nomination the cluster proposed can be sent or decided."))
    errors = {}
    decision_number = (decision_number or "").strip()
    if outcome and not (decision_number and decision_date):
        errors["decision_number"] = _("Give the decision's number and date with its outcome.")
    if outcome and outcome not in Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if errors:
        raise ValidationError(errors)
    nomination.sent_on = sent_on or nomination.sent_on
    nomination.decision_number, nomination.decision_date, nomination.outcome = decision_number, decision_date, outcome
    if outcome:
        nomination.status = NominationStatus.DECIDED
        if nomination.sent_on is None:
            nomination.sent_on = decision_date
    elif nomination.sent_on:
        nomination.status = NominationStatus.SENT
    nomination.full_clean()
    set_change_reason(nomination, _("Decision recorded") if outcome else _("Sent to the central board"), user)
    nomination.save()
    return nomination

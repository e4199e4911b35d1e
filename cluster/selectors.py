"""Reads of the cluster app: querysets that carry what their pages need."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from .enums import DeadlineKey, DeadlineState, Role
from .models import Cluster, EmulationYear, Membership, RuleSet, YearDeadline
from .rotation import RotationCandidate, propose_term


def cluster_id_for_user(user):
    """The id of the cluster a user works in (the navigation's links, one short query): their
    province's latest cluster; admins: the first one."""
    if user.province_id is not None:
        return (
            Membership.objects.filter(province_id=user.province_id)
            .order_by("-year")
            .values_list("emulation_year__cluster_id", flat=True)
            .first()
        )
    return Cluster.objects.order_by("pk").values_list("pk", flat=True).first()


def cluster_for_user(user):
    """The cluster a user works in (`cluster_id_for_user`)."""
    cluster_id = cluster_id_for_user(user)
    return Cluster.objects.filter(pk=cluster_id).first() if cluster_id is not None else None


def _cluster_memberships(emulation_year):
    """(year id, province id, role) of every membership of this year's cluster, in any year:
    one short query for `cluster_province_ids`, `member_province_ids` and `chair_province_id`
    (cached on the object; `order_by()`: without the Meta ordering's join of the provinces)."""
    if not hasattr(emulation_year, "_cluster_memberships"):
        emulation_year._cluster_memberships = tuple(
            Membership.objects.filter(emulation_year__cluster_id=emulation_year.cluster_id)
            .order_by()
            .values_list("emulation_year_id", "province_id", "role")
        )
    return emulation_year._cluster_memberships


def cluster_province_ids(emulation_year):
    """Provinces that have been members of this year's cluster in any year (cached on the object)."""
    if not hasattr(emulation_year, "_cluster_province_ids"):
        emulation_year._cluster_province_ids = frozenset(p for _y, p, _r in _cluster_memberships(emulation_year))
    return emulation_year._cluster_province_ids


def emulation_years_with_members(cluster):
    return (
        EmulationYear.objects.filter(cluster=cluster)
        .select_related("cluster", "rule_set")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("province").order_by("rotation_order", "province__name"),
            )
        )
        .order_by("-year")
    )


def emulation_year_get(*, cluster, year):
    return emulation_years_with_members(cluster).filter(year=year).first()


def emulation_year_current(cluster):
    """The year to show by default: the latest open year, else the latest year."""
    years = EmulationYear.objects.filter(cluster=cluster)
    chosen = years.filter(closed_at__isnull=True).order_by("-year").first() or years.order_by("-year").first()
    return chosen


def members_of(emulation_year):
    """Memberships of the year; uses the prefetched rows when there are some."""
    return list(emulation_year.memberships.all())


def term_of(emulation_year):
    """(chair membership, vice-chair membership) of the year, each possibly None."""
    chair = vice = None
    for membership in members_of(emulation_year):
        if membership.role == Role.CHAIR:
            chair = membership
        elif membership.role == Role.VICE_CHAIR:
            vice = membership
    return chair, vice


def chair_province_id(emulation_year):
    """The province whose staff hold the chair's powers in this year (cached on the object):
    none until an admin has confirmed the year's term."""
    if not hasattr(emulation_year, "_chair_province_id"):
        chairs = (p for y, p, r in _cluster_memberships(emulation_year) if y == emulation_year.pk and r == Role.CHAIR)
        emulation_year._chair_province_id = next(chairs, None) if emulation_year.term_confirmed_at else None
    return emulation_year._chair_province_id


def appraiser_province_id(emulation_year, province_id):
    """Who appraises a member's scorecard: the chair, and for the chair's own scorecard the
    member the year's rule set names, else the vice-chair. Nobody appraises their own province
    (None when the term is incomplete)."""
    if not hasattr(emulation_year, "_term_province_ids"):
        roles = {
            r: p
            for y, p, r in _cluster_memberships(emulation_year)
            if y == emulation_year.pk and r in (Role.CHAIR, Role.VICE_CHAIR)
        }
        if type(emulation_year).rule_set.is_cached(emulation_year):  # read with the year (or known missing)
            try:
                named = emulation_year.rule_set.chair_appraiser_id
            except RuleSet.DoesNotExist:
                named = None
        else:
            named = (
                RuleSet.objects.filter(emulation_year=emulation_year)
                .values_list("chair_appraiser_id", flat=True)
                .first()
            )
        emulation_year._term_province_ids = (roles.get(Role.CHAIR), named or roles.get(Role.VICE_CHAIR))
    if not emulation_year.term_confirmed_at:
        return None  # an elected term holds no power before an admin confirms it
    chair, chair_appraiser = emulation_year._term_province_ids
    appraiser = chair_appraiser if province_id == chair else chair
    return appraiser if appraiser != province_id else None


def member_province_ids(emulation_year):
    if not hasattr(emulation_year, "_member_province_ids"):
        emulation_year._member_province_ids = frozenset(
            p for y, p, _r in _cluster_memberships(emulation_year) if y == emulation_year.pk
        )
    return emulation_year._member_province_ids


def chair_years_by_province(cluster, before_year):
    """{province_id: (years chaired in this cluster before `before_year`)}."""
    rows = Membership.objects.filter(
        emulation_year__cluster=cluster, role=Role.CHAIR, year__lt=before_year
    ).values_list("province_id", "year")
    result = {}
    for province_id, year in rows:
        result.setdefault(province_id, []).append(year)
    return {key: tuple(sorted(value)) for key, value in result.items()}


def members_for_year(members, year):
    """This year's members (list of (province, rotation_order)) as members of `year`: a province
    that no longer exists then is replaced by its successor (followed to the one that does),
    once, keeping the first rotation order; one without a successor is left out.

    Returns (members, changes): changes are (old province, successor or None), to show the
    admin who confirms them."""
    result, seen, changes = [], set(), []
    for province, order in members:
        current = province
        while current is not None and not current.is_valid_in(year):
            current = current.successor
        if current is not province:
            changes.append((province, current))
        if current is not None and current.pk not in seen:
            seen.add(current.pk)
            result.append((current, order))
    return result, changes


def rotation_candidates(*, cluster, year, members):
    """The rotation's view of `members` (list of (province, rotation_order)) before `year`."""
    chaired = chair_years_by_province(cluster, year)
    return [
        RotationCandidate(
            province_id=province.pk,
            code=province.code,
            name=province.name,
            rotation_order=order,
            chair_years=chaired.get(province.pk, ()),
        )
        for province, order in members
    ]


def rotation_proposal(*, cluster, year, members):
    """Propose the chair and vice-chair of `year` among `members`.

    `members` is a list of (province, rotation_order). The current vice-chair is the
    vice-chair of `year - 1`.
    """
    candidates = rotation_candidates(cluster=cluster, year=year, members=members)
    previous_vice = (
        Membership.objects.filter(emulation_year__cluster=cluster, year=year - 1, role=Role.VICE_CHAIR)
        .values_list("province_id", flat=True)
        .first()
    )
    return propose_term(candidates, previous_vice)


def year_phase(emulation_year):
    """The phase of the year shown on the dashboard: (code, label)."""
    from django.utils.translation import gettext as _

    if emulation_year.is_closed:
        return "closed", _("Closed")
    chair, vice = term_of(emulation_year)
    if chair is None or vice is None:
        return "no_term", _("Waiting for the chair and vice-chair")
    return "in_progress", _("In progress")


def next_steps(*, user, emulation_year):
    """What the signed-in user should do next in this year: a list of (text, url name, args,
    deadline key or None)."""
    from django.utils.translation import gettext as _

    steps = []
    cluster = emulation_year.cluster
    if emulation_year.is_closed:
        steps.append((_("This year is closed: its records can be read, not changed."), None, None, None))
        return steps
    if user.is_superuser:
        chair, vice = term_of(emulation_year)
        if chair is None or vice is None or not emulation_year.term_confirmed_at:
            steps.append(
                (
                    _("Confirm the chair and vice-chair of this year."),
                    "cluster:term",
                    (cluster.pk, emulation_year.year),
                    None,
                )
            )
        if not cluster.years.filter(year=emulation_year.year + 1).exists():
            steps.append(
                (
                    _("Open %(year)s and confirm its chair and vice-chair.") % {"year": emulation_year.year + 1},
                    "cluster:rotation",
                    (cluster.pk,),
                    None,
                )
            )
    elif user.province_id == chair_province_id(emulation_year):
        steps.append(
            (
                _("Your province chairs the cluster this year: check the year's rule set."),
                "cluster:rule_set",
                (cluster.pk, emulation_year.year),
                None,
            )
        )
    elif user.province_id in member_province_ids(emulation_year):
        steps.append((_("Your province is a member this year. Follow the cluster's work here."), None, None, None))
    else:
        steps.append((_("Your province is not a member of the cluster this year."), None, None, None))
    return steps


def signing_host(emulation_year):
    """Who hosts the signing of a year's covenant: the chair of the year before (whose
    review meeting opens this year), else this year's chair."""
    previous = EmulationYear.objects.filter(cluster_id=emulation_year.cluster_id, year=emulation_year.year - 1).first()
    for candidate in (previous, emulation_year):
        if candidate is not None:
            chair = (
                Membership.objects.filter(emulation_year=candidate, role=Role.CHAIR).select_related("province").first()
            )
            if chair is not None:
                return chair.province
    return None


def rule_set_frozen(emulation_year):
    """The rule set no longer changes once the review meeting has confirmed its attendance:
    the quorum was decided under it, and the vote will be. (Read through the reverse
    relation, so this app imports none built on it.)"""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return emulation_year.review_meeting.attendance_confirmed_at is not None
    except ObjectDoesNotExist:
        return False


def rule_set_locked_fields(emulation_year):
    """Rules already applied before the rule set freezes: the tie rule of the score ranking,
    once the scoring is locked (the stored ranks were computed under it)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        locked = emulation_year.scoreboard.locked_at is not None
    except ObjectDoesNotExist:
        locked = False
    return frozenset({"ranking_tie_rule"}) if locked else frozenset()


def covenant_owner_province_id(emulation_year):
    """Whose the covenant of this year is: the chair of the year before, whose review meeting
    signs it; for a cluster's first year, this year's chair. Cached on the object."""
    if not hasattr(emulation_year, "_covenant_owner_id"):
        previous = EmulationYear.objects.filter(
            cluster_id=emulation_year.cluster_id, year=emulation_year.year - 1
        ).first()
        emulation_year._covenant_owner_id = chair_province_id(previous or emulation_year)
    return emulation_year._covenant_owner_id


def people_of(emulation_year, province=None):
    """The year's people, with their province: all of them, or one province's (`province`: a
    province or its id; the string "central" for the central delegates and guests only)."""
    from django.db.models import F

    from .models import Person

    people = Person.objects.filter(emulation_year=emulation_year).select_related("province")
    if province == "central":
        people = people.filter(province__isnull=True)
    elif province is not None:
        people = people.filter(province=province)
    # The central delegates first, on every database.
    return people.order_by(F("province__name").asc(nulls_first=True), "order", "full_name", "pk")


# --- The year's calendar ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    """One phase of a year's calendar as pages and the reminder job see it. `pk` is the
    `YearDeadline` row's (None for the dossier, whose deadline is the rule set's). `state` and
    `days_left` are as of `today` (None when the entry was read without them)."""

    emulation_year: EmulationYear
    key: str
    opens_on: datetime.date | None
    closes_on: datetime.date | None
    pk: int | None = None
    state: str | None = None
    today: datetime.date | None = None

    @property
    def label(self):
        return DeadlineKey(self.key).label

    @property
    def days_left(self):
        """Days until the deadline (0 on the day, negative once late)."""
        if self.closes_on is None or self.today is None:
            return None
        return (self.closes_on - self.today).days

    @property
    def days_late(self):
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def is_late(self):
        return self.state == DeadlineState.LATE

    @property
    def is_past(self):
        """A past deadline no longer changes (`cluster.services.deadline_save`)."""
        return self.closes_on is not None and self.today is not None and self.closes_on < self.today


#: The order of the phases in a calendar (the enum's order).
DEADLINE_ORDER = {key: index for index, key in enumerate(DeadlineKey.values)}

# The calendar reads the year's facts through the reverse relations of the apps built on this
# one (as rule_set_frozen does), in the one query that reads its rows. The status values are
# scoring's ScorecardStatus and awards' NominationStatus.
_SUBMITTED_SCORECARD = ("submitted", "agreed")
_PROPOSED_NOMINATION = ("proposed", "sent", "decided")


def _calendar_rows(emulation_year):
    year = "emulation_year__"
    return YearDeadline.objects.filter(emulation_year=emulation_year).annotate(
        fact_members=Count(year + "memberships", distinct=True),
        fact_submitted=Count(
            year + "scorecards",
            filter=Q(**{year + "scorecards__status__in": _SUBMITTED_SCORECARD}),
            distinct=True,
        ),
        fact_locked=Count(year + "scoreboard", filter=Q(**{year + "scoreboard__locked_at__isnull": False})),
        fact_meeting=Count(year + "review_meeting", distinct=True),
        fact_conference=Count(
            year + "review_meeting", filter=Q(**{year + "review_meeting__term_recorded_at__isnull": False})
        ),
        fact_proposed=Count(
            year + "nominations",
            filter=Q(**{year + "nominations__status__in": _PROPOSED_NOMINATION}),
            distinct=True,
        ),
        fact_to_send=Count(year + "nominations", filter=Q(**{year + "nominations__status": "proposed"}), distinct=True),
    )


def _done_keys(emulation_year, row):
    """The phases the year's facts show done (an empty set without facts)."""
    if row is None:
        return set()
    done = set()
    locked = emulation_year.is_closed or row.fact_locked > 0
    if locked or (row.fact_members and row.fact_submitted >= row.fact_members):
        done.add(DeadlineKey.SELF_SCORING)
    if locked:  # the scoring is locked once every scorecard is agreed and its explanations read
        done.update((DeadlineKey.APPRAISAL, DeadlineKey.EXPLANATIONS))
    if emulation_year.is_closed or row.fact_meeting:  # the preparatory meeting settles the conference
        done.add(DeadlineKey.PREPARATORY_MEETING)
    if emulation_year.is_closed or row.fact_conference:  # its last act elects next year's term
        done.add(DeadlineKey.REVIEW_CONFERENCE)
    if (row.fact_proposed and not row.fact_to_send) or (row.fact_conference and not row.fact_proposed):
        done.add(DeadlineKey.DOSSIER)  # every dossier sent, or nothing to send
    return done


def _state(entry_done, opens_on, closes_on, today):
    if entry_done:
        return DeadlineState.DONE
    if opens_on is not None and today < opens_on:
        return DeadlineState.UPCOMING
    if closes_on is not None and today > closes_on:
        return DeadlineState.LATE
    return DeadlineState.OPEN


def calendar_of(emulation_year, today=None):
    """The year's phases in order, each with its state as of `today` (default: today):
    done (the year's facts say so: the scoring locked closes the appraisal and the explanations,
    every dossier sent closes the dossiers...), upcoming, open, or late. One query; the dossier's
    deadline comes from the rule set (`emulation_year_get` has already read it)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    rows = list(_calendar_rows(emulation_year))
    done = _done_keys(emulation_year, rows[0] if rows else None)
    dated = [(row.key, row.opens_on, row.closes_on, row.pk) for row in rows]
    dossier_deadline = emulation_year.rule_set.dossier_deadline
    if dossier_deadline:
        dated.append((DeadlineKey.DOSSIER, None, dossier_deadline, None))
    entries = [
        CalendarEntry(
            emulation_year=emulation_year,
            key=key,
            opens_on=opens_on,
            closes_on=closes_on,
            pk=pk,
            state=_state(key in done, opens_on, closes_on, today),
            today=today,
        )
        for key, opens_on, closes_on, pk in dated
    ]
    return sorted(entries, key=lambda entry: DEADLINE_ORDER[entry.key])


def current_phase(emulation_year, today=None, calendar=None):
    """The phase the year is in: the first one not done (None once every phase is done or the
    year has no calendar). `calendar`: the year's `calendar_of`, when already read."""
    calendar = calendar_of(emulation_year, today) if calendar is None else calendar
    return next((entry for entry in calendar if entry.state != DeadlineState.DONE), None)


def deadline_closes_on(emulation_year, key):
    """The date a phase of the year closes, or None when the year's calendar does not date it."""
    return (
        YearDeadline.objects.filter(emulation_year=emulation_year, key=key).values_list("closes_on", flat=True).first()
    )


def deadlines_closing(on_or_before, after, include_done=False):
    """Deadlines of every cluster closing in (`after`, `on_or_before`], for the reminder job:
    entries with `emulation_year` (and its cluster), `key`, `opens_on`, `closes_on`, in order
    of date. Years closed are left out except for their dossiers (sent after the closing).
    Without `include_done`, a phase the year's facts show done is left out (one more query
    per year with a deadline in the window)."""
    rows = (
        YearDeadline.objects.filter(closes_on__gt=after, closes_on__lte=on_or_before, emulation_year__closed_at=None)
        .select_related("emulation_year__cluster", "emulation_year__rule_set")
        .order_by("closes_on", "emulation_year_id", "key")
    )
    entries = [
        CalendarEntry(
            emulation_year=row.emulation_year, key=row.key, opens_on=row.opens_on, closes_on=row.closes_on, pk=row.pk
        )
        for row in rows
    ]
    for rule_set in RuleSet.objects.filter(
        dossier_deadline__gt=after, dossier_deadline__lte=on_or_before
    ).select_related("emulation_year__cluster"):
        entries.append(
            CalendarEntry(
                emulation_year=rule_set.emulation_year,
                key=DeadlineKey.DOSSIER,
                opens_on=None,
                closes_on=rule_set.dossier_deadline,
            )
        )
    if not include_done:
        done_by_year = {}
        for entry in entries:
            year = entry.emulation_year
            if year.pk not in done_by_year:
                row = _calendar_rows(year).first()
                done_by_year[year.pk] = _done_keys(year, row)
        entries = [entry for entry in entries if entry.key not in done_by_year[entry.emulation_year.pk]]
    return sorted(entries, key=lambda entry: (entry.closes_on, entry.emulation_year.pk, DEADLINE_ORDER[entry.key]))


def may_change_calendar(user, emulation_year):
    """The year's chair (once the term is confirmed) and admins change its calendar while it is open."""
    if emulation_year.is_closed or not user.is_authenticated:
        return False
    return user.is_superuser or (user.province_id is not None and user.province_id == chair_province_id(emulation_year))


@dataclass(frozen=True)
class Due:
    """A step's deadline as the dashboard says it: by `day`, N days left, today, or N days late."""

    day: datetime.date
    today: datetime.date

    @property
    def days_left(self):
        return (self.day - self.today).days

    @property
    def days_late(self):
        return max(0, -self.days_left)

    @property
    def is_late(self):
        return self.days_left < 0

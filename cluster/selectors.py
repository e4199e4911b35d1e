"""Reads of the cluster app: querysets that carry what their pages need."""

from django.db.models import Prefetch

from .enums import Role
from .models import Cluster, EmulationYear, Membership, RuleSet
from .rotation import RotationCandidate, propose_term


def cluster_default():
    return Cluster.objects.order_by("pk").first()


def cluster_for_user(user):
    """The cluster a user works in: their province's latest cluster; admins: the first one."""
    if user.province_id is not None:
        membership = (
            Membership.objects.filter(province_id=user.province_id)
            .select_related("emulation_year__cluster")
            .order_by("-year")
            .first()
        )
        if membership is not None:
            return membership.emulation_year.cluster
        return None
    return cluster_default()


def cluster_province_ids(emulation_year):
    """Provinces that have been members of this year's cluster in any year (cached on the object)."""
    if not hasattr(emulation_year, "_cluster_province_ids"):
        emulation_year._cluster_province_ids = frozenset(
            Membership.objects.filter(emulation_year__cluster_id=emulation_year.cluster_id).values_list(
                "province_id", flat=True
            )
        )
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
        chair = (
            Membership.objects.filter(emulation_year=emulation_year, role=Role.CHAIR)
            .values_list("province_id", flat=True)
            .first()
            if emulation_year.term_confirmed_at
            else None
        )
        emulation_year._chair_province_id = chair
    return emulation_year._chair_province_id


def appraiser_province_id(emulation_year, province_id):
    """Who appraises a member's scorecard: the chair, and for the chair's own scorecard the
    member the year's rule set names, else the vice-chair. Nobody appraises their own province
    (None when the term is incomplete)."""
    if not hasattr(emulation_year, "_term_province_ids"):
        roles = dict(
            Membership.objects.filter(
                emulation_year=emulation_year, role__in=(Role.CHAIR, Role.VICE_CHAIR)
            ).values_list("role", "province_id")
        )
        named = (
            RuleSet.objects.filter(emulation_year=emulation_year).values_list("chair_appraiser_id", flat=True).first()
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
            Membership.objects.filter(emulation_year=emulation_year).values_list("province_id", flat=True)
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
    """What the signed-in user should do next in this year: a list of (text, url name, args)."""
    from django.utils.translation import gettext as _

    steps = []
    cluster = emulation_year.cluster
    if emulation_year.is_closed:
        steps.append((_("This year is closed: its records can be read, not changed."), None, None))
        return steps
    if user.is_superuser:
        chair, vice = term_of(emulation_year)
        if chair is None or vice is None or not emulation_year.term_confirmed_at:
            steps.append(
                (_("Confirm the chair and vice-chair of this year."), "cluster:term", (cluster.pk, emulation_year.year))
            )
        if not cluster.years.filter(year=emulation_year.year + 1).exists():
            steps.append(
                (
                    _("Open %(year)s and confirm its chair and vice-chair.") % {"year": emulation_year.year + 1},
                    "cluster:rotation",
                    (cluster.pk,),
                )
            )
    elif user.province_id == chair_province_id(emulation_year):
        steps.append(
            (
                _("Your province chairs the cluster this year: check the year's rule set."),
                "cluster:rule_set",
                (cluster.pk, emulation_year.year),
            )
        )
    elif user.province_id in member_province_ids(emulation_year):
        steps.append((_("Your province is a member this year. Follow the cluster's work here."), None, None))
    else:
        steps.append((_("Your province is not a member of the cluster this year."), None, None))
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

"""State changes of the cluster app. Each function is one transaction."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.history import set_change_reason

from .enums import DeadlineKey, Role
from .models import Cluster, EmulationYear, Membership, Person, RuleSet, YearDeadline


def year_ensure_open(emulation_year):
    """Refuse any change to a closed emulation year (every app's services call this)."""
    if emulation_year.is_closed:
        raise ValidationError(_("The emulation year %(year)s is closed.") % {"year": emulation_year.year})


def rule_set_copy_for(*, emulation_year):
    """Give the year a rule set: a copy of the previous year's, or the defaults."""
    previous = (
        RuleSet.objects.filter(
            emulation_year__cluster=emulation_year.cluster,
            emulation_year__year__lt=emulation_year.year,
        )
        .order_by("-emulation_year__year")
        .first()
    )
    values = {name: getattr(previous, name) for name in RuleSet.COPIED_FIELDS} if previous else {}
    if previous and previous.dossier_deadline:
        # The same day of the year, a year on per year between them (29/2 becomes 28/2).
        shift = emulation_year.year - previous.emulation_year.year
        deadline = previous.dossier_deadline
        try:
            values["dossier_deadline"] = deadline.replace(year=deadline.year + shift)
        except ValueError:
            values["dossier_deadline"] = deadline.replace(year=deadline.year + shift, day=28)
    rule_set = RuleSet(emulation_year=emulation_year, **values)
    rule_set.full_clean()
    set_change_reason(
        rule_set,
        _("Copied from the rule set of %(year)s") % {"year": previous.emulation_year.year}
        if previous
        else _("Default rules"),
    )
    rule_set.save()
    return rule_set


@transaction.atomic
def emulation_year_open(*, cluster, year, members):
    """Open `year` for `cluster` with `members`: a list of (province, rotation_order).

    The rule set is copied from the previous year. Refused, with nothing created, when
    the year exists, a member is already in another cluster that year, or a province
    is not valid in that year.
    """
    if EmulationYear.objects.filter(cluster=cluster, year=year).exists():
        raise ValidationError(_("The emulation year %(year)s is already open.") % {"year": year})
    if len(members) < 2:
        raise ValidationError(_("A cluster needs at least two members."))
    emulation_year = EmulationYear(cluster=cluster, year=year)
    emulation_year.full_clean()
    emulation_year.save()
    rule_set_copy_for(emulation_year=emulation_year)
    membership_replace(emulation_year=emulation_year, members=members)
    people_copy_for(emulation_year=emulation_year)
    calendar_copy_for(emulation_year=emulation_year)
    _year_opened(emulation_year)
    return emulation_year


def _year_opened(emulation_year):
    """Let the apps built on this one give the new year what it starts with (cluster.signals)."""
    from .signals import year_opened

    for _receiver, answer in year_opened.send(sender=EmulationYear, emulation_year=emulation_year):
        if answer and answer.get("criteria_copied_from"):
            # A fact of the opening, not a change of the year: no history row of its own.
            emulation_year.criteria_copied_from = answer["criteria_copied_from"]
            EmulationYear.objects.filter(pk=emulation_year.pk).update(
                criteria_copied_from=answer["criteria_copied_from"]
            )


def _check_members(*, emulation_year, members):
    errors = []
    year = emulation_year.year
    for province, _order in members:
        if province.valid_from and province.valid_from.year > year:
            errors.append(_("%(province)s did not exist yet in %(year)s.") % {"province": province, "year": year})
        if province.valid_to and province.valid_to.year < year:
            errors.append(_("%(province)s no longer existed in %(year)s.") % {"province": province, "year": year})
    taken = Membership.objects.filter(year=year, province__in=[province for province, _ in members]).exclude(
        emulation_year=emulation_year
    )
    for membership in taken.select_related("emulation_year__cluster", "province"):
        errors.append(
            _("%(province)s is already a member of %(cluster)s in %(year)s.")
            % {
                "province": membership.province,
                "cluster": membership.emulation_year.cluster,
                "year": year,
            }
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def membership_replace(*, emulation_year, members):
    """Set the members of the year to exactly `members` (list of (province, rotation_order)).

    Members who stay keep their role; a chair or vice-chair removed from the
    membership leaves the term incomplete.
    """
    year_ensure_open(emulation_year)
    for relation, message in (
        (
            "covenant",
            _("The covenant of %(year)s is drawn up with a row for each member: its members no longer change."),
        ),
        ("review_meeting", _("The review meeting of %(year)s is set up for its members: they no longer change.")),
    ):
        try:
            getattr(emulation_year, relation)  # read through the reverse relation: this app imports neither
        except ObjectDoesNotExist:
            continue
        raise ValidationError(message % {"year": emulation_year.year})
    _check_members(emulation_year=emulation_year, members=members)
    wanted = {province.pk: order for province, order in members}
    existing = {m.province_id: m for m in Membership.objects.filter(emulation_year=emulation_year)}
    Membership.objects.filter(emulation_year=emulation_year).exclude(province_id__in=wanted).delete()
    for province, order in members:
        membership = existing.get(province.pk)
        if membership is None:
            Membership.objects.create(
                emulation_year=emulation_year,
                province=province,
                year=emulation_year.year,
                rotation_order=order,
            )
        elif membership.rotation_order != order:
            membership.rotation_order = order
            membership.save(update_fields=["rotation_order"])


def _rotation_refusal(emulation_year, chair, vice_chair, breaches):
    from . import selectors

    chaired = selectors.chair_years_by_province(emulation_year.cluster, emulation_year.year)
    messages = []
    for role, province in (("chair", chair), ("vice_chair", vice_chair)):
        if role in breaches:
            years = ", ".join(str(y) for y in chaired.get(province.pk, ())) or "—"
            messages.append(
                _(
                    "%(province)s has already chaired (%(years)s) while other members have chaired less: "
                    "nobody chairs twice before every member has chaired once."
                )
                % {"province": province, "years": years}
            )
    messages.append(_("Only an admin can choose it anyway, giving the reason."))
    return messages


@transaction.atomic
def term_assign(*, emulation_year, chair, vice_chair, user=None, confirm=True, reason=""):
    """Make `chair` and `vice_chair` (provinces) the year's term. Refused with nothing changed
    when either is not a member of the year, both are the same province, or the choice breaks
    the rotation ("nobody twice before everybody once") without an admin's reason.

    `confirm`: the admin's confirmation, which starts the chair's powers; without it (the review
    meeting recording its election) the term waits for an admin. Once confirmed, only an admin
    changes it, giving the reason (kept in the year's history)."""
    from . import selectors
    from .rotation import rotation_breaches

    year_ensure_open(emulation_year)
    given, emulation_year = emulation_year, EmulationYear.objects.select_for_update().get(pk=emulation_year.pk)
    # None: the system itself (demo, data import) — but a meeting's election is never an admin's.
    is_admin = (user is None and confirm) or bool(user is not None and user.is_superuser)
    reason = (reason or "").strip()
    errors = {}
    if chair is None:
        errors["chair"] = _("Choose the chair.")
    if vice_chair is None:
        errors["vice_chair"] = _("Choose the vice-chair.")
    if chair is not None and vice_chair is not None and chair.pk == vice_chair.pk:
        errors["vice_chair"] = _("The chair and the vice-chair must be two different provinces.")
    memberships = {
        m.province_id: m for m in Membership.objects.select_for_update().filter(emulation_year=emulation_year)
    }
    for field, province in (("chair", chair), ("vice_chair", vice_chair)):
        if province is not None and province.pk not in memberships and field not in errors:
            errors[field] = _("%(province)s is not a member of the cluster in %(year)s.") % {
                "province": province,
                "year": emulation_year.year,
            }
    if errors:
        raise ValidationError(errors)
    if confirm and not is_admin:
        raise ValidationError(_("Only an admin confirms a year's chair and vice-chair."))
    current = (
        next((pk for pk, m in memberships.items() if m.role == Role.CHAIR), None),
        next((pk for pk, m in memberships.items() if m.role == Role.VICE_CHAIR), None),
    )
    changing = current != (chair.pk, vice_chair.pk)
    if emulation_year.term_confirmed_at and changing:
        if not is_admin:
            raise ValidationError(
                _("An admin has confirmed the chair and vice-chair of %(year)s: only an admin changes them.")
                % {"year": emulation_year.year}
            )
        if not reason and user is not None:
            raise ValidationError({"reason": _("Say why the confirmed chair and vice-chair change.")})
    candidates = selectors.rotation_candidates(
        cluster=emulation_year.cluster,
        year=emulation_year.year,
        members=[(m.province, m.rotation_order) for m in memberships.values()],
    )
    breaches = rotation_breaches(candidates, chair.pk, vice_chair.pk)
    if breaches and not (is_admin and (reason or user is None)):
        raise ValidationError(_rotation_refusal(emulation_year, chair, vice_chair, breaches))

    if changing:
        Membership.objects.filter(emulation_year=emulation_year).exclude(role=Role.MEMBER).update(role=Role.MEMBER)
        try:
            Membership.objects.filter(pk=memberships[chair.pk].pk).update(role=Role.CHAIR)
            Membership.objects.filter(pk=memberships[vice_chair.pk].pk).update(role=Role.VICE_CHAIR)
        except IntegrityError as error:  # pragma: no cover - guarded above, kept by the database
            raise ValidationError(_("The term could not be recorded: %(error)s") % {"error": error}) from error
    fields = []
    if confirm and (changing or not emulation_year.term_confirmed_at):
        emulation_year.term_confirmed_at, emulation_year.term_confirmed_by = timezone.now(), user
        fields = ["term_confirmed_at", "term_confirmed_by"]
    if fields or changing:
        default = _("Chair and vice-chair confirmed") if confirm else _("Chair and vice-chair elected by the meeting")
        set_change_reason(emulation_year, reason or default, user)
        emulation_year.save(update_fields=fields or ["term_confirmed_at"])
    # The caller's object sees the new term too (its cached term is dropped).
    given.term_confirmed_at, given.term_confirmed_by = (
        emulation_year.term_confirmed_at,
        emulation_year.term_confirmed_by,
    )
    for cached in ("_chair_province_id", "_term_province_ids", "_covenant_owner_id", "_cluster_memberships"):
        given.__dict__.pop(cached, None)
    return given


@transaction.atomic
def emulation_year_open_with_term(*, cluster, year, members, chair, vice_chair, user, reason=""):
    """The rotation as admins do it: open the year and confirm its term, all or nothing."""
    emulation_year = emulation_year_open(cluster=cluster, year=year, members=members)
    term_assign(emulation_year=emulation_year, chair=chair, vice_chair=vice_chair, user=user, reason=reason)
    return emulation_year


def _rule_set_save(rule_set, values, *, user, reason):
    """Change the rule set's fields in `values` (names of `RuleSet.COPIED_FIELDS` and
    `RuleSet.YEAR_FIELDS`), all or nothing."""
    from . import selectors

    # The stored row: a bound ModelForm has already set its values on the object it was given.
    rule_set = RuleSet.objects.select_for_update().select_related("emulation_year").get(pk=rule_set.pk)
    emulation_year = rule_set.emulation_year
    year_ensure_open(emulation_year)
    if selectors.rule_set_frozen(emulation_year):
        raise ValidationError(
            _("The rule set is frozen: the review meeting has confirmed its attendance under these rules.")
        )
    values = {name: value for name, value in values.items() if name in RuleSet.COPIED_FIELDS + RuleSet.YEAR_FIELDS}
    errors = {}
    appraiser = values.get("chair_appraiser")
    if (
        "chair_appraiser" in values
        and appraiser != rule_set.chair_appraiser
        and not (user is None or user.is_superuser)
    ):
        errors["chair_appraiser"] = _("Only an admin names who appraises the chair's own scorecard.")
    elif appraiser is not None:
        if appraiser.pk not in selectors.member_province_ids(emulation_year):
            errors["chair_appraiser"] = _("%(province)s is not a member of the cluster in %(year)s.") % {
                "province": appraiser,
                "year": emulation_year.year,
            }
        elif appraiser.pk == selectors.chair_province_id(emulation_year):
            errors["chair_appraiser"] = _("The chair province cannot appraise its own scorecard.")
    for name in selectors.rule_set_locked_fields(emulation_year):
        if name in values and values[name] != getattr(rule_set, name):
            errors[name] = _(
                "The scoring is locked: its ranking was computed under this rule, which no longer changes."
            )
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in values.items() if getattr(rule_set, name) != value]
    for name in changed:
        setattr(rule_set, name, values[name])
    rule_set.full_clean()
    if changed:
        set_change_reason(rule_set, reason, user)
        rule_set.save(update_fields=changed)
    return rule_set


@transaction.atomic
def rule_set_update(*, rule_set, data, user=None):
    """Change the year's rules (admin or the year's chair) until the review meeting confirms
    its attendance; the rule the locked scoring ranked under stays. A save that changes
    nothing leaves no history."""
    return _rule_set_save(rule_set, data, user=user, reason=_("Rule set changed"))


@transaction.atomic
def rule_set_apply_preset(*, rule_set, preset_key, user=None):
    """Set the rules a preset names (cluster.presets) and its source document; the other
    rules keep their values and everything stays editable."""
    from .presets import BY_KEY

    preset = BY_KEY.get(preset_key)
    if preset is None:
        raise ValidationError(_("This preset does not exist."))
    return _rule_set_save(
        rule_set,
        {**preset.values, "source_document": preset.source},
        user=user,
        reason=_("Preset applied: %(preset)s") % {"preset": preset.name},
    )


# --- The people of a year --------------------------------------------------------------------------


def people_copy_for(*, emulation_year):
    """Give a new year the previous year's people: the central delegates and the people of the
    provinces that are still members (the people move with the year; a copy, so the old year's
    records keep theirs). Nothing is copied into a year that has people already."""
    if Person.objects.filter(emulation_year=emulation_year).exists():
        return []
    previous = (
        EmulationYear.objects.filter(cluster_id=emulation_year.cluster_id, year__lt=emulation_year.year)
        .order_by("-year")
        .first()
    )
    if previous is None:
        return []
    members = set(Membership.objects.filter(emulation_year=emulation_year).values_list("province_id", flat=True))
    return Person.objects.bulk_create(
        [
            Person(
                emulation_year=emulation_year,
                province_id=person.province_id,
                full_name=person.full_name,
                post=person.post,
                authority=person.authority,
                order=person.order,
            )
            for person in Person.objects.filter(emulation_year=previous).order_by("pk")
            if person.province_id is None or person.province_id in members
        ]
    )


def _ensure_may_manage_person(person, user):
    if user is not None and not user.has_perm("cluster.manage_person", person):
        if person.province_id is None:
            raise ValidationError(_("Only the chair of the year or an admin manages the central delegates."))
        raise ValidationError(
            _("Only the staff of %(province)s, the chair of the year or an admin manage its people.")
            % {"province": person.province}
        )


@transaction.atomic
def person_save(
    *, emulation_year, user=None, person=None, province=None, full_name, post="", authority=None, order=None
):
    """Add a person to the year's people of `province` (None: a central delegate or guest), or
    change `person`. Refused in a closed year, and for a user who may not manage that province's
    people (its own staff, the year's chair, admins; the central delegates: chair and admins).
    Records that already copied the person's name keep their copy."""
    from .enums import Authority

    year_ensure_open(emulation_year)
    if person is not None and person.emulation_year_id != emulation_year.pk:
        raise ValidationError(_("This person is not among the people of %(year)s.") % {"year": emulation_year.year})
    person = person or Person(emulation_year=emulation_year, province=province)
    if (
        person.pk is None
        and province is not None
        and province.pk
        not in set(Membership.objects.filter(emulation_year=emulation_year).values_list("province_id", flat=True))
    ):
        raise ValidationError(
            {
                "province": _("%(province)s is not a member of the cluster in %(year)s.")
                % {"province": province, "year": emulation_year.year}
            }
        )
    _ensure_may_manage_person(person, user)
    person.full_name = " ".join((full_name or "").split())
    person.post = " ".join((post or "").split())
    person.authority = authority or person.authority or Authority.OWN_POST
    if order is not None:
        person.order = order
    elif person.pk is None:
        last = Person.objects.filter(emulation_year=emulation_year, province=province).order_by("-order").first()
        person.order = (last.order + 1) if last else 1
    if not person.full_name:
        raise ValidationError({"full_name": _("Give the person's full name.")})
    person.full_clean()
    set_change_reason(person, _("Person saved"), user)
    person.save()
    return person


#: A record that names a person says when its copy of the name is final (signed, confirmed) by a
#: class attribute `PERSON_FROZEN`, a Q on its own rows; without it every row that names the
#: person counts. Read through the reverse relations: this app imports none of those apps.
def _frozen_uses(person):
    from django.db.models import DO_NOTHING

    uses = []
    # The records' links are hidden (related_name "+"); the history's copies (DO_NOTHING) do not count.
    relations = [
        f
        for f in Person._meta.get_fields(include_hidden=True)
        if f.one_to_many and f.auto_created and f.on_delete is not DO_NOTHING
    ]
    for relation in relations:
        model = relation.related_model
        rows = model._default_manager.filter(**{relation.field.name: person})
        frozen = getattr(model, "PERSON_FROZEN", None)
        if frozen is not None:
            rows = rows.filter(frozen)
        if rows.exists():
            uses.append(str(model._meta.verbose_name))
    return uses


@transaction.atomic
def person_remove(*, person, user=None):
    """Remove a person from the year's people. Refused in a closed year, for a user who may not
    manage them, and while a signed or confirmed record names them (a draft row that named
    them keeps the typed name only)."""
    emulation_year = person.emulation_year
    year_ensure_open(emulation_year)
    _ensure_may_manage_person(person, user)
    uses = _frozen_uses(person)
    if uses:
        raise ValidationError(
            _("%(name)s is named on a signed or confirmed record (%(records)s): the person stays.")
            % {"name": person.full_name, "records": ", ".join(sorted(set(uses)))}
        )
    person.delete()


# --- The cluster itself ----------------------------------------------------------------------------


@transaction.atomic
def cluster_settings_update(*, cluster, user, name, short_name="", header_people_committee, signature_people_committee):
    """Admins set the cluster's name and how its documents are headed and signed."""
    if user is None or not user.is_superuser:
        raise ValidationError(_("Only an admin changes the cluster's settings."))
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    cluster.name, cluster.short_name = (name or "").strip(), (short_name or "").strip()
    cluster.header_people_committee = bool(header_people_committee)
    cluster.signature_people_committee = bool(signature_people_committee)
    cluster.full_clean()
    cluster.save()
    return cluster


# --- The year's calendar ---------------------------------------------------------------------------

#: A new cluster's first calendar, as (key, (month, day) it opens or None, (month, day) it closes,
#: years after the emulation year): self-scoring and appraisal at the year's end, the review
#: early in the next year, under the cluster guidance's usual practice.
DEFAULT_CALENDAR = (
    (DeadlineKey.SELF_SCORING, (11, 15), (12, 15), 0),
    (DeadlineKey.APPRAISAL, (12, 16), (12, 31), 0),
    (DeadlineKey.EXPLANATIONS, (1, 2), (1, 10), 1),
    (DeadlineKey.PREPARATORY_MEETING, (1, 11), (1, 20), 1),
    (DeadlineKey.REVIEW_CONFERENCE, (2, 1), (3, 15), 1),
)


def _shifted(day, years):
    """The same day `years` later (29/2 becomes 28/2)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def calendar_copy_for(*, emulation_year):
    """Give a new year its calendar: the latest earlier year's, shifted by the years between
    them (29/2 becomes 28/2), or the defaults. The dossier's deadline is the rule set's (copied
    shifted by rule_set_copy_for)."""
    import datetime

    previous = (
        EmulationYear.objects.filter(
            cluster_id=emulation_year.cluster_id, year__lt=emulation_year.year, deadlines__isnull=False
        )
        .order_by("-year")
        .first()
    )
    if previous is not None:
        shift = emulation_year.year - previous.year
        values = [(d.key, _shifted(d.opens_on, shift), _shifted(d.closes_on, shift)) for d in previous.deadlines.all()]
        reason = _("Copied from the calendar of %(year)s") % {"year": previous.year}
    else:
        values = [
            (
                key,
                datetime.date(emulation_year.year + later, *opens) if opens else None,
                datetime.date(emulation_year.year + later, *closes),
                # A phase that straddles the new year opens in the year before its deadline.
            )
            for key, opens, closes, later in DEFAULT_CALENDAR
        ]
        reason = _("Default calendar")
    created = []
    for key, opens_on, closes_on in values:
        deadline = YearDeadline(emulation_year=emulation_year, key=key, opens_on=opens_on, closes_on=closes_on)
        deadline.full_clean()
        set_change_reason(deadline, reason)
        deadline.save()
        created.append(deadline)
    return created


def _ensure_may_change_calendar(emulation_year, user):
    from django.core.exceptions import PermissionDenied

    from . import selectors

    if user is not None and not selectors.may_change_calendar(user, emulation_year):
        raise PermissionDenied(_("Only the year's chair and admins change its calendar."))


@transaction.atomic
def deadline_save(*, emulation_year, key, closes_on, opens_on=None, user=None):
    """Set one phase's dates (the year's chair or an admin; `user` None: the system). Refused
    while the year is closed, when the deadline is past (its day is before today: it stays as
    the record of what was asked), when the new deadline is in the past or before the day its
    phase opens. The dossier's deadline is written to the rule set (its history keeps it)."""
    from django.utils.formats import date_format

    year_ensure_open(emulation_year)
    _ensure_may_change_calendar(emulation_year, user)
    if key not in DeadlineKey.values:
        raise ValidationError(_("This phase does not exist."))
    today = timezone.localdate()
    if key == DeadlineKey.DOSSIER:
        rule_set = RuleSet.objects.get(emulation_year=emulation_year)
        current = rule_set.dossier_deadline
        opens_on = None
    else:
        deadline = YearDeadline.objects.select_for_update().filter(emulation_year=emulation_year, key=key).first()
        current = deadline.closes_on if deadline else None
    errors = {}
    if current is not None and current < today:
        if closes_on != current or (key != DeadlineKey.DOSSIER and opens_on != deadline.opens_on):
            errors["closes_on"] = _("This deadline has passed (%(day)s): it no longer changes.") % {
                "day": date_format(current, "d/m/Y")
            }
        else:
            return deadline if key != DeadlineKey.DOSSIER else rule_set
    elif closes_on is None:
        errors["closes_on"] = _("Enter the deadline (dd/mm/yyyy).")
    elif closes_on < today:
        errors["closes_on"] = _("A new deadline cannot be in the past: choose a day from today (%(today)s).") % {
            "today": date_format(today, "d/m/Y")
        }
    elif opens_on is not None and closes_on < opens_on:
        errors["closes_on"] = _(
            "The deadline (%(closes)s) is before the day its phase opens (%(opens)s): choose a later deadline "
            "or an earlier opening."
        ) % {"closes": date_format(closes_on, "d/m/Y"), "opens": date_format(opens_on, "d/m/Y")}
    if errors:
        raise ValidationError(errors)
    if key == DeadlineKey.DOSSIER:
        if rule_set.dossier_deadline == closes_on:
            return rule_set
        rule_set.dossier_deadline = closes_on
        rule_set.full_clean()
        set_change_reason(rule_set, _("Dossier deadline set in the year's calendar"), user)
        rule_set.save(update_fields=["dossier_deadline"])
        return rule_set
    if deadline is None:
        deadline = YearDeadline(emulation_year=emulation_year, key=key)
    elif deadline.opens_on == opens_on and deadline.closes_on == closes_on:
        return deadline
    deadline.opens_on, deadline.closes_on = opens_on, closes_on
    deadline.full_clean()
    set_change_reason(deadline, _("Calendar changed"), user)
    deadline.save()
    return deadline

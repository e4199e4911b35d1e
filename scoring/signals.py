from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from cluster import selectors as cluster_selectors
from cluster.enums import DeadlineKey
from cluster.signals import collect_next_steps, year_opened

from .enums import ScorecardStatus
from .models import Scoreboard, Scorecard, Section


@receiver(year_opened)
def copy_criteria_on_opening(sender, emulation_year, **kwargs):
    """A new year starts with the criteria of the latest earlier year that has some."""
    from cluster.models import EmulationYear

    from . import services

    earlier = (
        EmulationYear.objects.filter(
            cluster_id=emulation_year.cluster_id, year__lt=emulation_year.year, sections__isnull=False
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if earlier is None or Section.objects.filter(emulation_year=emulation_year).exists():
        return None
    services.criteria_copy_from_previous(emulation_year=emulation_year)
    return {"criteria_copied_from": earlier}


@receiver(collect_next_steps)
def scoring_next_steps(sender, user, emulation_year, **kwargs):
    """(text, url, deadline key) of what the user does next in the scoring."""
    if emulation_year.is_closed:
        return []
    year_args = [emulation_year.cluster_id, emulation_year.year]
    board = Scoreboard.objects.filter(emulation_year=emulation_year).first()
    if board is not None and board.is_locked:
        if user.province_id is None:
            return []
        return [(_("The scoring of this year is locked."), reverse("scoring:scoreboard", args=year_args))]
    steps = []
    cards = {c.province_id: c for c in Scorecard.objects.filter(emulation_year=emulation_year)}
    chair_id = cluster_selectors.chair_province_id(emulation_year)
    chairs = user.is_superuser or (user.province_id is not None and user.province_id == chair_id)
    if (
        emulation_year.criteria_copied_from
        and chairs
        and not any(c.status in (ScorecardStatus.SUBMITTED, ScorecardStatus.AGREED) for c in cards.values())
    ):
        steps.append(
            (
                _(
                    "The criteria were copied from %(year)s when the year opened: check them and change what "
                    "differs before the first scorecard is submitted."
                )
                % {"year": emulation_year.criteria_copied_from},
                reverse("scoring:criteria", args=year_args),
                DeadlineKey.SELF_SCORING,
            )
        )
    if user.province_id is None:
        return steps
    own = cards.get(user.province_id)
    if user.province_id in cluster_selectors.member_province_ids(emulation_year):
        if own is None or own.status in (ScorecardStatus.DRAFT, ScorecardStatus.RETURNED):
            text = (
                _("Your scorecard was returned: correct it and submit it again.")
                if own and own.status == ScorecardStatus.RETURNED
                else _("Fill in your province's scorecard and submit it.")
            )
            url = reverse("scoring:scorecard", args=[own.pk]) if own else reverse("scoring:scorecards", args=year_args)
            steps.append((text, url, DeadlineKey.SELF_SCORING))
        elif own.status == ScorecardStatus.SUBMITTED:
            steps.append(
                (
                    _("Your scorecard is submitted: watch for its appraisal and answer any changed score."),
                    reverse("scoring:scorecard", args=[own.pk]),
                    DeadlineKey.APPRAISAL,
                )
            )
    waiting = sum(
        1
        for c in cards.values()
        if c.status == ScorecardStatus.SUBMITTED
        and cluster_selectors.appraiser_province_id(emulation_year, c.province_id) == user.province_id
    )
    if waiting:
        steps.append(
            (
                _("%(count)s submitted scorecards wait for your cross-check.") % {"count": waiting},
                reverse("scoring:scorecards", args=year_args),
                DeadlineKey.APPRAISAL,
            )
        )
    return steps

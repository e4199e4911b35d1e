from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from cluster import selectors as cluster_selectors
from cluster.signals import collect_next_steps

from .enums import ScorecardStatus
from .models import Scoreboard, Scorecard


@receiver(collect_next_steps)
def scoring_next_steps(sender, user, emulation_year, **kwargs):
    if emulation_year.is_closed or user.province_id is None:
        return []
    board = Scoreboard.objects.filter(emulation_year=emulation_year).first()
    if board is not None and board.is_locked:
        return [
            (
                _("The scoring of this year is locked."),
                reverse("scoring:scoreboard", args=[emulation_year.cluster_id, emulation_year.year]),
            )
        ]
    steps = []
    cards = {c.province_id: c for c in Scorecard.objects.filter(emulation_year=emulation_year)}
    own = cards.get(user.province_id)
    if user.province_id in cluster_selectors.member_province_ids(emulation_year):
        if own is None or own.status in (ScorecardStatus.DRAFT, ScorecardStatus.RETURNED):
            text = (
                _("Your scorecard was returned: correct it and submit it again.")
                if own and own.status == ScorecardStatus.RETURNED
                else _("Fill in your province's scorecard and submit it.")
            )
            url = (
                reverse("scoring:scorecard", args=[own.pk])
                if own
                else reverse("scoring:scorecards", args=[emulation_year.cluster_id, emulation_year.year])
            )
            steps.append((text, url))
    if user.province_id == cluster_selectors.chair_province_id(emulation_year):
        waiting = sum(1 for c in cards.values() if c.status == ScorecardStatus.SUBMITTED)
        if waiting:
            steps.append(
                (
                    _("%(count)s submitted scorecards wait for your cross-check.") % {"count": waiting},
                    reverse("scoring:scorecards", args=[emulation_year.cluster_id, emulation_year.year]),
                )
            )
    return steps

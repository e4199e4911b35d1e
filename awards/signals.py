from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from cluster.enums import DeadlineKey
from cluster.signals import collect_next_steps

from . import selectors


@receiver(collect_next_steps)
def meeting_next_steps(sender, user, emulation_year, **kwargs):
    if emulation_year.is_closed or not user.has_perm("awards.run_meeting", emulation_year):
        return []
    step = next((s for s in selectors.console_steps(emulation_year) if not s.done), None)
    if step is None or step.key == "meeting" and not _scoring_locked(emulation_year):
        return []
    return [
        (
            _("Review meeting – next step: %(step)s.") % {"step": step.label},
            reverse("awards:console", args=[emulation_year.cluster_id, emulation_year.year]),
            DeadlineKey.REVIEW_CONFERENCE,
        )
    ]


@receiver(collect_next_steps)
def dossier_next_steps(sender, user, emulation_year, **kwargs):
    """After the review, the outgoing chair (the chair of the year reviewed, shown on its own
    dashboard or on the next year's) sends each proposed nomination's dossier, then records the
    Government's decision: (text, url, deadline day)."""
    from cluster import selectors as cluster_selectors
    from cluster.models import EmulationYear

    from .enums import NominationStatus
    from .models import Nomination

    if user.province_id is None:
        return []
    reviewed = [emulation_year]
    previous = EmulationYear.objects.filter(cluster_id=emulation_year.cluster_id, year=emulation_year.year - 1)
    reviewed += list(previous.select_related("rule_set"))
    steps = []
    for year in reviewed:
        if cluster_selectors.chair_province_id(year) != user.province_id:
            continue
        nominations = Nomination.objects.filter(
            emulation_year=year, status__in=(NominationStatus.PROPOSED, NominationStatus.SENT)
        ).select_related("province", "award_type")
        for nomination in nominations:
            names = {"province": nomination.province.name, "award": nomination.award_type, "year": year.year}
            if nomination.status == NominationStatus.PROPOSED:
                steps.append(
                    (
                        _("Send the dossier of %(province)s for the %(award)s (%(year)s).") % names,
                        reverse("dossiers:dossier", args=[nomination.pk]),
                        year.rule_set.dossier_deadline,
                    )
                )
            else:
                steps.append(
                    (
                        _("Record the Government's decision on %(province)s's %(award)s (%(year)s).") % names,
                        reverse("awards:decision", args=[nomination.pk]),
                    )
                )
    return steps


def _scoring_locked(emulation_year):
    from scoring.models import Scoreboard

    return Scoreboard.objects.filter(emulation_year=emulation_year, locked_at__isnull=False).exists()

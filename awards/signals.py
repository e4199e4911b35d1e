from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

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
        )
    ]


def _scoring_locked(emulation_year):
    from scoring.models import Scoreboard

    return Scoreboard.objects.filter(emulation_year=emulation_year, locked_at__isnull=False).exists()

"""Who must react to what: the events of `common.events` turned into notifications.

Each receiver only reads, then hands the writing to `services.notify` after the sender's
commit (`transaction.on_commit(..., robust=True)`): a change rolled back announces nothing, and a
failure here is logged without touching the change already committed. Texts are written in the
site's language (Vietnamese) when the notification is made; there is no request.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cluster import selectors as cluster_selectors
from common import events

from . import services
from .enums import NotificationKind

logger = logging.getLogger(__name__)


def staff_of(province_ids):
    """The active staff accounts of these provinces (one query)."""
    ids = [p for p in province_ids if p is not None]
    if not ids:
        return []
    return list(get_user_model().objects.filter(province_id__in=ids, is_active=True).order_by("pk"))


def _later(build):
    """Build the notification after the commit, in the site's language."""

    def run():
        with translation.override(settings.LANGUAGE_CODE):
            arguments = build()
        if arguments:
            services.notify(**arguments)

    transaction.on_commit(run, robust=True)


def number(value):
    """A score as Vietnamese write it: a decimal comma, no trailing zeros."""
    return "—" if value is None else format(value.normalize(), "f").replace(".", ",")


@receiver(events.scorecard_submitted)
def on_scorecard_submitted(sender, scorecard, **kwargs):
    def build():
        year = scorecard.emulation_year
        appraiser = cluster_selectors.appraiser_province_id(year, scorecard.province_id)
        return {
            "users": staff_of([appraiser]),
            "kind": NotificationKind.SCORECARD_SUBMITTED,
            "title": _("%(province)s submitted its scorecard for %(year)s")
            % {"province": scorecard.province.name, "year": year.year},
            "body": _("Cross-check it and agree the scores, or return it with the reason."),
            "link": reverse("scoring:cross_check", args=[scorecard.pk]),
            "dedupe_key": f"scorecard:{scorecard.pk}:v{scorecard.version}:submitted",
        }

    _later(build)


@receiver(events.scorecard_returned)
def on_scorecard_returned(sender, scorecard, reason="", **kwargs):
    def build():
        return {
            "users": staff_of([scorecard.province_id]),
            "kind": NotificationKind.SCORECARD_RETURNED,
            "title": _("Your scorecard for %(year)s was returned") % {"year": scorecard.emulation_year.year},
            "body": _("Reason: %(reason)s\nCorrect it and submit it again.") % {"reason": reason},
            "link": reverse("scoring:scorecard", args=[scorecard.pk]),
            "dedupe_key": f"scorecard:{scorecard.pk}:v{scorecard.version}:returned",
        }

    _later(build)


@receiver(events.scores_changed)
def on_scores_changed(sender, scorecard, scores, **kwargs):
    changed = [s for s in scores if s.agreed_score is not None and s.agreed_score != s.self_score]
    if not changed:
        return

    def build():
        lines = [
            _("%(code)s: %(old)s → %(new)s. Reason: %(reason)s")
            % {
                "code": s.criterion.code,
                "old": number(s.self_score),
                "new": number(s.agreed_score),
                "reason": s.agreed_reason,
            }
            for s in changed
        ]
        return {
            "users": staff_of([scorecard.province_id]),
            "kind": NotificationKind.SCORE_CHANGED,
            "title": _("Scores of your scorecard for %(year)s were changed") % {"year": scorecard.emulation_year.year},
            "body": "\n".join(lines),
            "link": reverse("scoring:scorecard", args=[scorecard.pk]),
            "dedupe_key": f"scorecard:{scorecard.pk}:v{scorecard.version}:changed",
        }

    _later(build)


@receiver(events.explanation_requested)
def on_explanation_requested(sender, scorecard, criterion, text="", key="", **kwargs):
    def build():
        return {
            "users": staff_of([scorecard.province_id]),
            "kind": NotificationKind.EXPLANATION_REQUESTED,
            "title": _("An explanation is asked about %(code)s of your scorecard for %(year)s")
            % {"code": criterion.code, "year": scorecard.emulation_year.year},
            "body": text,
            "link": reverse("scoring:scorecard", args=[scorecard.pk]),
            "dedupe_key": f"explanation:{key or criterion.pk}:{scorecard.pk}:requested",
        }

    _later(build)


@receiver(events.explanation_answered)
def on_explanation_answered(sender, scorecard, criterion, text="", key="", **kwargs):
    def build():
        appraiser = cluster_selectors.appraiser_province_id(scorecard.emulation_year, scorecard.province_id)
        return {
            "users": staff_of([appraiser]),
            "kind": NotificationKind.EXPLANATION_ANSWERED,
            "title": _("%(province)s answered about %(code)s")
            % {"province": scorecard.province.name, "code": criterion.code},
            "body": text,
            "link": reverse("scoring:cross_check", args=[scorecard.pk]),
            "dedupe_key": f"explanation:{key or criterion.pk}:{scorecard.pk}:answered",
        }

    _later(build)


@receiver(events.scoring_locked)
def on_scoring_locked(sender, emulation_year, **kwargs):
    def build():
        return {
            "users": staff_of(cluster_selectors.member_province_ids(emulation_year)),
            "kind": NotificationKind.SCORING_LOCKED,
            "title": _("The scoring of %(year)s is locked") % {"year": emulation_year.year},
            "body": _("The agreed scores and the ranking are final: see the scoreboard."),
            "link": reverse("scoring:scoreboard", args=[emulation_year.cluster_id, emulation_year.year]),
            "dedupe_key": f"year:{emulation_year.pk}:scoring_locked",
        }

    _later(build)


@receiver(events.meeting_set)
def on_meeting_set(sender, meeting, **kwargs):
    def build():
        year = meeting.emulation_year
        starts = timezone.localtime(meeting.starts_at)
        values = {
            "year": year.year,
            "date": formats.date_format(starts, "d/m/Y"),
            "time": formats.time_format(starts, "H:i"),
            "place": meeting.place,
            "host": meeting.host_province.name,
        }
        return {
            "users": staff_of(cluster_selectors.member_province_ids(year)),
            "kind": NotificationKind.MEETING_SET,
            "title": _("Review meeting of %(year)s: %(date)s at %(place)s") % values,
            "body": _("It starts at %(time)s on %(date)s, at %(place)s (host: %(host)s).") % values,
            "link": reverse("awards:console", args=[year.cluster_id, year.year]),
            # A new time or place is news; saving the secretary's name again is not.
            "dedupe_key": f"meeting:{meeting.pk}:{starts.isoformat()}:{meeting.place}"[:200],
        }

    _later(build)


@receiver(events.document_ready)
def on_document_ready(sender, report, **kwargs):
    if report.requested_by_id is None:
        return

    def build():
        return {
            "users": [report.requested_by],
            "kind": NotificationKind.DOCUMENT_READY,
            "title": _("Document ready: %(document)s") % {"document": str(report)},
            "body": _("%(document)s of %(year)s can be downloaded now.")
            % {"document": report.get_kind_display(), "year": report.emulation_year.year},
            "link": reverse("reports:report", args=[report.pk]),
            "dedupe_key": f"report:{report.pk}:v{report.rendered_version}:ready",
        }

    _later(build)

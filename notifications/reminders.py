"""Reminders before each deadline of the year and on the day (`reminders_send`).

Run once a day by the schedule (Celery beat: `notifications.tasks.send_reminders`) or by hand
(`manage.py send_reminders [--today dd/mm/yyyy]`): both call `reminders_send(today=...)`. It is
idempotent: each reminder's key is the deadline, its date and the days left, so running it twice
on a day (or on two machines) sends nothing twice, and a deadline moved to a new date reminds
again. A constant number of queries whatever the number of clusters, deadlines and people.

The deadlines come from the year's calendar (`cluster.YearDeadline` and the rule set's
`dossier_deadline`, read through `cluster.selectors.deadlines_closing`). Who is reminded:
self-scoring, the staff of members whose scorecard is not submitted; the appraisal and the
dossiers, the chair's staff; the explanations, the staff of members with a score changed by the
appraisal; the meetings, every member's staff. Nothing about the scoring once it is locked.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cluster import selectors as cluster_selectors
from cluster.enums import DeadlineKey, Role
from cluster.models import EmulationYear, Membership

from . import services
from .enums import NotificationKind

SELF_SCORING, APPRAISAL, EXPLANATIONS = DeadlineKey.SELF_SCORING, DeadlineKey.APPRAISAL, DeadlineKey.EXPLANATIONS
PREPARATORY_MEETING, REVIEW_CONFERENCE = DeadlineKey.PREPARATORY_MEETING, DeadlineKey.REVIEW_CONFERENCE
DOSSIER = DeadlineKey.DOSSIER

TODO = {
    SELF_SCORING: gettext_lazy("Your province's scorecard is not submitted yet: fill it in and submit it."),
    APPRAISAL: gettext_lazy("Cross-check the members' scorecards and agree their scores."),
    EXPLANATIONS: gettext_lazy("Scores of your scorecard were changed: read the reasons and give your explanation."),
    PREPARATORY_MEETING: gettext_lazy("Prepare your province's delegation and documents for the preparatory meeting."),
    REVIEW_CONFERENCE: gettext_lazy("Prepare your province's delegation for the review conference."),
    DOSSIER: gettext_lazy("Send the nomination dossiers to the Central Emulation and Commendation Board."),
}


@dataclass(frozen=True)
class Deadline:
    """A dated deadline of a year: what the reminder job needs to know of it."""

    ident: str  # stable across runs: "yd:12" (a calendar row) or "dossier:5" (the rule set of year 5)
    emulation_year: EmulationYear
    key: str  # a cluster.enums.DeadlineKey
    closes_on: datetime.date
    label: object  # lazy: translated when the reminder is written


def reminder_days():
    """Days before a deadline on which its reminder goes out; 0 is the day itself."""
    return sorted({*settings.REMINDER_DAYS_BEFORE, 0}, reverse=True)


def due_deadlines(today):
    """The deadlines that close exactly a reminder day from `today` (two queries: the calendar
    rows and the rule sets' dossier deadlines). Whether a phase is done is judged by
    `_recipient_provinces` for all the years at once, not year by year."""
    dates = {today + datetime.timedelta(days=d) for d in reminder_days()}
    entries = cluster_selectors.deadlines_closing(
        on_or_before=max(dates), after=min(dates) - datetime.timedelta(days=1), include_done=True
    )
    return [
        Deadline(
            ident=f"yd:{entry.pk}" if entry.pk is not None else f"dossier:{entry.emulation_year.pk}",
            emulation_year=entry.emulation_year,
            key=entry.key,
            closes_on=entry.closes_on,
            label=entry.label,
        )
        for entry in entries
        if entry.closes_on in dates
    ]


def _recipient_provinces(deadlines):
    """{deadline ident: province ids} for each deadline, in a constant number of queries."""
    from scoring.enums import ScorecardStatus
    from scoring.models import Score, Scoreboard, Scorecard

    year_ids = {d.emulation_year.pk for d in deadlines}
    members, chairs = {}, {}
    confirmed = {d.emulation_year.pk for d in deadlines if d.emulation_year.term_confirmed_at}
    for year_id, province_id, role in Membership.objects.filter(emulation_year_id__in=year_ids).values_list(
        "emulation_year_id", "province_id", "role"
    ):
        members.setdefault(year_id, set()).add(province_id)
        if role == Role.CHAIR and year_id in confirmed:
            chairs[year_id] = province_id
    scoring_years = {d.emulation_year.pk for d in deadlines if d.key in (SELF_SCORING, APPRAISAL, EXPLANATIONS)}
    locked, submitted, explaining = set(), {}, {}
    if scoring_years:
        locked = set(
            Scoreboard.objects.filter(emulation_year_id__in=scoring_years, locked_at__isnull=False).values_list(
                "emulation_year_id", flat=True
            )
        )
        for year_id, province_id in Scorecard.objects.filter(
            emulation_year_id__in=scoring_years, status__in=(ScorecardStatus.SUBMITTED, ScorecardStatus.AGREED)
        ).values_list("emulation_year_id", "province_id"):
            submitted.setdefault(year_id, set()).add(province_id)
        if any(d.key == EXPLANATIONS for d in deadlines):
            # The provinces that may explain: a score of theirs was changed by the appraisal.
            for year_id, province_id in (
                Score.objects.filter(scorecard__emulation_year_id__in=scoring_years, agreed_score__isnull=False)
                .exclude(agreed_score=F("self_score"))
                .values_list("scorecard__emulation_year_id", "scorecard__province_id")
                .distinct()
            ):
                explaining.setdefault(year_id, set()).add(province_id)
    result = {}
    for d in deadlines:
        year_id = d.emulation_year.pk
        if d.key in (SELF_SCORING, APPRAISAL, EXPLANATIONS) and year_id in locked:
            provinces = set()
        elif d.key == SELF_SCORING:
            provinces = members.get(year_id, set()) - submitted.get(year_id, set())
        elif d.key == EXPLANATIONS:
            provinces = explaining.get(year_id, set())
        elif d.key in (APPRAISAL, DOSSIER):
            provinces = {chairs[year_id]} if year_id in chairs else set()
        else:  # the meetings, and any other deadline: every member
            provinces = members.get(year_id, set())
        result[d.ident] = provinces
    return result


def _link(deadline):
    year = deadline.emulation_year
    if deadline.key in (SELF_SCORING, APPRAISAL, EXPLANATIONS):
        return reverse("scoring:scorecards", args=[year.cluster_id, year.year])
    if deadline.key in (PREPARATORY_MEETING, REVIEW_CONFERENCE):
        return reverse("awards:console", args=[year.cluster_id, year.year])
    return reverse("cluster:dashboard", args=[year.cluster_id, year.year])


def _title(deadline, days_left):
    values = {
        "deadline": deadline.label,
        "date": formats.date_format(deadline.closes_on, "d/m/Y"),
        "year": deadline.emulation_year.year,
        "days": days_left,
    }
    if days_left == 0:
        return _("%(deadline)s (%(year)s): the deadline is today, %(date)s") % values
    if days_left == 1:
        return _("%(deadline)s (%(year)s): the deadline is tomorrow, %(date)s") % values
    return (
        ngettext(
            "%(deadline)s (%(year)s): %(days)s day left, the deadline is %(date)s",
            "%(deadline)s (%(year)s): %(days)s days left, the deadline is %(date)s",
            days_left,
        )
        % values
    )


def reminders_send(*, today):
    """Remind the people responsible for each deadline closing a reminder day from `today`.
    Returns {"deadlines": n, "notifications": n} (the notifications created by this run)."""
    deadlines = due_deadlines(today)
    if not deadlines:
        services.notifications_email_pending()
        return {"deadlines": 0, "notifications": 0}
    provinces = _recipient_provinces(deadlines)
    wanted = set().union(*provinces.values())
    staff = {}
    for user in get_user_model().objects.filter(province_id__in=wanted, is_active=True).order_by("pk"):
        staff.setdefault(user.province_id, []).append(user)
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for d in deadlines:
            days_left = (d.closes_on - today).days
            title, body, link = _title(d, days_left), str(TODO.get(d.key, "")), _link(d)
            key = f"deadline:{d.ident}:{d.closes_on.isoformat()}:d{days_left}"
            for province_id in sorted(provinces[d.ident]):
                for user in staff.get(province_id, ()):
                    messages.append(
                        services.Message(
                            user=user,
                            kind=NotificationKind.DEADLINE_NEAR,
                            title=title,
                            body=body,
                            link=link,
                            dedupe_key=key,
                        )
                    )
    created = services.notify_many(messages=messages)
    services.notifications_email_pending()
    return {"deadlines": len(deadlines), "notifications": len(created)}

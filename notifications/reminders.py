"""Reminders before each deadline of the year and on the day (`reminders_send`).

Run once a day by the schedule (Celery beat: `notifications.tasks.send_reminders`) or by hand
(`manage.py send_reminders [--today dd/mm/yyyy]`): both call `reminders_send(today=...)`. It is
idempotent: each reminder's key is the deadline, its date and the days left, so running it twice
on a day (or on two machines) sends nothing twice, and a deadline moved to a new date reminds
again. A constant number of queries whatever the number of clusters, deadlines and people.

The deadlines come from the year's calendar (`cluster.YearDeadline`, read through
`cluster.selectors.deadlines_closing`). Where that calendar is not installed, the only dated
deadline is the rule set's `dossier_deadline` (see `due_deadlines`): the interface the job needs
is only `Deadline` below.
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

from cluster.enums import Role
from cluster.models import EmulationYear, Membership, RuleSet

from . import services
from .enums import NotificationKind

SELF_SCORING, APPRAISAL, EXPLANATIONS = "self_scoring", "appraisal", "explanations"
PREPARATORY_MEETING, REVIEW_CONFERENCE, DOSSIER = "preparatory_meeting", "review_conference", "dossier"

LABELS = {
    SELF_SCORING: gettext_lazy("Self-scoring"),
    APPRAISAL: gettext_lazy("Appraisal of the scorecards"),
    EXPLANATIONS: gettext_lazy("Explanations"),
    PREPARATORY_MEETING: gettext_lazy("Preparatory meeting"),
    REVIEW_CONFERENCE: gettext_lazy("Review conference"),
    DOSSIER: gettext_lazy("Nomination dossiers"),
}
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

    ident: str  # stable across runs, e.g. "yd:12" (a calendar row) or "dossier:5" (a rule set's year)
    emulation_year: EmulationYear
    key: str  # one of the keys above (cluster.enums.DeadlineKey)
    closes_on: datetime.date
    label: str = ""


def reminder_days():
    """Days before a deadline on which its reminder goes out; 0 is the day itself."""
    return sorted({*settings.REMINDER_DAYS_BEFORE, 0}, reverse=True)


def due_deadlines(today):
    """The deadlines of open years that close exactly a reminder day from `today` (one query)."""
    days = reminder_days()
    dates = {today + datetime.timedelta(days=d) for d in days}
    try:
        from cluster.selectors import deadlines_closing  # the year's calendar
    except ImportError:
        deadlines_closing = None
    if deadlines_closing is not None:
        rows = deadlines_closing(on_or_before=max(dates), after=min(dates) - datetime.timedelta(days=1))
        if hasattr(rows, "select_related"):
            rows = rows.select_related("emulation_year")
        return [
            Deadline(
                ident=f"yd:{row.pk}",
                emulation_year=row.emulation_year,
                key=str(row.key),
                closes_on=row.closes_on,
                label=str(row.get_key_display()) if hasattr(row, "get_key_display") else "",
            )
            for row in rows
            if row.closes_on in dates and row.emulation_year.closed_at is None
        ]
    rule_sets = RuleSet.objects.filter(
        dossier_deadline__in=dates, emulation_year__closed_at__isnull=True
    ).select_related("emulation_year")
    return [
        Deadline(
            ident=f"dossier:{r.emulation_year_id}",
            emulation_year=r.emulation_year,
            key=DOSSIER,
            closes_on=r.dossier_deadline,
        )
        for r in rule_sets
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
        "deadline": deadline.label or LABELS.get(deadline.key, deadline.key),
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

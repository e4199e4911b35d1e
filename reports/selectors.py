"""What each document needs, gathered from every app; what is missing when it cannot be made."""

from django.utils import timezone
from django.utils.translation import gettext as _

from awards import selectors as award_selectors
from awards.enums import PROPOSED_BY_THE_CLUSTER
from awards.models import BallotRound, ReviewMeeting
from cluster import selectors as cluster_selectors
from cluster.models import EmulationYear
from covenants import selectors as covenant_selectors
from scoring import selectors as scoring_selectors
from scoring.charts import bar_chart
from scoring.models import Scoreboard

from .enums import DocumentKind
from .formatting import place_date_line, vn_percent

RECIPIENTS = [
    "Ban Thi đua - Khen thưởng Trung ương",
    "Các tỉnh thành viên Cụm thi đua",
]


def _scoring_locked(emulation_year):
    return Scoreboard.objects.filter(emulation_year=emulation_year, locked_at__isnull=False).exists()


def document_blockers(kind, emulation_year, ballot_round=None, nomination=None):
    """What the year lacks for this document (empty when it can be made)."""
    missing = []
    meeting = ReviewMeeting.objects.filter(emulation_year=emulation_year).first()
    if kind in (DocumentKind.MINUTES, DocumentKind.BALLOT_RECORD):
        if meeting is None:
            missing.append(_("The review meeting of %(year)s has not been set up.") % {"year": emulation_year.year})
        elif not meeting.attendance_confirmed_at:
            missing.append(_("The attendance of the review meeting has not been confirmed."))
    if kind in (
        DocumentKind.MINUTES,
        DocumentKind.SCORE_SUMMARY,
        DocumentKind.SCORE_DETAIL,
        DocumentKind.YEAR_REPORT,
    ) and not _scoring_locked(emulation_year):
        missing.append(
            _("The scoring of %(year)s is not locked yet: the ranking is not final.") % {"year": emulation_year.year}
        )
    if kind == DocumentKind.BALLOT_RECORD and (
        ballot_round is None or ballot_round.meeting.emulation_year_id != emulation_year.pk
    ):
        missing.append(_("Choose a ballot round of this year's meeting."))
    if kind == DocumentKind.SUBMISSION:
        from dossiers import selectors as dossier_selectors

        missing += dossier_selectors.submission_blockers(emulation_year, nomination)
    if kind == DocumentKind.COVENANT:
        covenant = covenant_selectors.covenant_of_year(emulation_year)
        if covenant is None:
            missing.append(_("The covenant of %(year)s has not been drawn up.") % {"year": emulation_year.year})
        elif not covenant.commitments.all():
            missing.append(_("The covenant of %(year)s has no commitment yet.") % {"year": emulation_year.year})
    return missing


def _issuer(emulation_year):
    chair, vice = cluster_selectors.term_of(emulation_year)
    return chair.province if chair else None, vice.province if vice else None


def document_context(report):
    """Everything the document's template needs (the report carries kind, year, round, number)."""
    emulation_year = (
        EmulationYear.objects.select_related("cluster", "rule_set")
        .prefetch_related("memberships__province")
        .get(pk=report.emulation_year_id)
    )
    chair_province, vice_province = _issuer(emulation_year)
    meeting = award_selectors.meeting_of(emulation_year)
    place = meeting.host_province.name if meeting else (chair_province.name if chair_province else "")
    day = timezone.localtime(meeting.starts_at).date() if meeting else timezone.localdate()
    context = {
        "report": report,
        "kind": report.kind,
        "emulation_year": emulation_year,
        "cluster": emulation_year.cluster,
        "cluster_title": emulation_year.cluster.name.upper(),
        "issuer": f"UBND TỈNH {chair_province.name.upper()}" if chair_province else "",
        "chair_province": chair_province,
        "vice_province": vice_province,
        "number_text": report.number_text,
        "meeting": meeting,
        "recipients": RECIPIENTS,
        "place_date": place_date_line(place, day) if place else "",
        "meeting_day": day,
        "landscape": report.kind in (DocumentKind.SCORE_SUMMARY, DocumentKind.SCORE_DETAIL),
    }
    if report.kind == DocumentKind.SCORE_DETAIL:
        context["detail"] = scoring_selectors.score_detail_table(emulation_year)
    if report.kind == DocumentKind.SUBMISSION:
        from dossiers import selectors as dossier_selectors

        context.update(dossier_selectors.submission_context(report))
    if report.kind in (DocumentKind.MINUTES, DocumentKind.SCORE_SUMMARY, DocumentKind.YEAR_REPORT):
        table, rows = scoring_selectors.scoreboard_rows(emulation_year)
        context.update(
            table=table,
            rows=rows,
            chart=bar_chart([(r.membership.province.name, r.agreed_total, r.rank) for r in rows]),
        )
    if report.kind in (DocumentKind.MINUTES, DocumentKind.YEAR_REPORT):
        rule_set = emulation_year.rule_set
        rounds = award_selectors.rounds_of(meeting)
        for ballot_round in rounds:
            ballot_round.lines = [
                (r, award_selectors.explain(r, rule_set), vn_percent(r.percent)) for r in ballot_round.results.all()
            ]
        nominations = award_selectors.nominations_of(emulation_year)
        next_year = EmulationYear.objects.filter(cluster=emulation_year.cluster, year=emulation_year.year + 1).first()
        next_chair, next_vice = cluster_selectors.term_of(next_year) if next_year else (None, None)
        context.update(
            rounds=rounds,
            rule_set=rule_set,
            next_year=emulation_year.year + 1,
            next_chair=next_chair,
            next_vice=next_vice,
            proposed=[n for n in nominations if n.status in PROPOSED_BY_THE_CLUSTER],
            members=cluster_selectors.members_of(emulation_year),
        )
    if report.kind == DocumentKind.BALLOT_RECORD:
        ballot_round = BallotRound.objects.select_related("award_type", "meeting__host_province").get(
            pk=report.ballot_round_id
        )
        ballot_round.lines = [
            (r, award_selectors.explain(r, emulation_year.rule_set), vn_percent(r.percent))
            for r in ballot_round.results.select_related("nomination__province")
        ]
        delegations = list(meeting.delegations.all()) if meeting else []
        context.update(
            ballot_round=ballot_round,
            rule_set=emulation_year.rule_set,
            present=sum(1 for d in delegations if d.present),
            members=len(delegations),
        )
    if report.kind == DocumentKind.COVENANT:
        covenant = covenant_selectors.covenant_of_year(emulation_year)
        host = covenant.host_province or chair_province
        signing_day = covenant.signing_date or timezone.localdate()
        context.update(
            covenant=covenant, place_date=place_date_line(covenant.place or (host.name if host else ""), signing_day)
        )
    return context

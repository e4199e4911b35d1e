"""What each document needs, gathered from every app; what is missing when it cannot be made."""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from awards import selectors as award_selectors
from awards.enums import PROPOSED_BY_THE_CLUSTER
from awards.models import BallotRound, ReviewMeeting
from cluster import selectors as cluster_selectors
from cluster.enums import Role
from cluster.models import EmulationYear, Membership
from covenants import selectors as covenant_selectors
from scoring import selectors as scoring_selectors
from scoring import selectors_peer as scoring_selectors_peer
from scoring.charts import bar_chart
from scoring.models import Scoreboard

from . import formatting, signing, texts
from .enums import DocumentKind, ReportStatus
from .formatting import place_date_line, vn_percent
from .models import DocumentText, Report

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


def document_day(kind, emulation_year, meeting=None, covenant=None):
    """The date a document carries: a meeting's records and the year's documents are those of its
    review meeting; the covenant is dated the day it is signed; otherwise today."""
    if kind == DocumentKind.COVENANT and covenant is not None and covenant.signing_date:
        return covenant.signing_date
    if meeting is not None:
        return timezone.localtime(meeting.starts_at).date()
    return timezone.localdate()


def chair_in_office(cluster, day):
    """The chair province in office on `day`: the chair of year Y holds office from the day after
    the review meeting of Y−1 (from 1 January of Y when there was none) until the end of Y's own
    review meeting. So the covenant of 2016, signed at the review of 2015, is headed by 2015's chair.
    None when no confirmed term covers the day."""
    years = EmulationYear.objects.filter(
        cluster=cluster, term_confirmed_at__isnull=False, year__lte=day.year + 1
    ).order_by("year")
    meeting_days = {
        year: timezone.localtime(starts_at).date()
        for year, starts_at in ReviewMeeting.objects.filter(emulation_year__cluster=cluster).values_list(
            "emulation_year__year", "starts_at"
        )
    }
    in_office = None
    for year in years:
        before = meeting_days.get(year.year - 1)
        start = before + datetime.timedelta(days=1) if before else datetime.date(year.year, 1, 1)
        if start <= day:
            in_office = year
    if in_office is None:
        return None
    chair = Membership.objects.filter(emulation_year=in_office, role=Role.CHAIR).select_related("province").first()
    return chair.province if chair else None


def _issuer(emulation_year):
    chair, vice = cluster_selectors.term_of(emulation_year)
    return chair.province if chair else None, vice.province if vice else None


def report_of_round(ballot_round):
    """The newest ballot-count record made for this round (issued or not), or None."""
    return (
        Report.objects.filter(kind=DocumentKind.BALLOT_RECORD, ballot_round=ballot_round)
        .order_by("-issued_at", "-requested_at")
        .first()
    )


def round_labels(rounds):
    """{round id: the vote's number, or None}: a count is called a round only when the award had
    more than one vote; a correction takes the number of the vote it corrects."""
    votes = {}
    for ballot_round in sorted(rounds, key=lambda r: (r.award_type_id, r.number)):
        if ballot_round.corrects_id is None:
            votes.setdefault(ballot_round.award_type_id, []).append(ballot_round.pk)
    labels = {}
    by_id = {r.pk: r for r in rounds}
    for ballot_round in rounds:
        original = ballot_round
        while original.corrects_id is not None and original.corrects_id in by_id:
            original = by_id[original.corrects_id]
        award_votes = votes.get(ballot_round.award_type_id, [])
        vote = award_votes.index(original.pk) + 1 if original.pk in award_votes else 1
        labels[ballot_round.pk] = vote if len(award_votes) > 1 else None
    return labels


def report_actions(report, user, *, stale=False):
    """What `user` may do with the document now (what reports.services.report_retry, report_issue
    and a replacement accept): render a failed or lost draft again, issue a rendered draft,
    replace an issued document nothing replaces yet."""
    may_act = user.has_perm("reports.request_document", report.emulation_year)
    replacement = report.replaced_by.order_by("-requested_at").first() if report.pk else None
    return {
        "retry": may_act and not report.is_issued and (report.status == ReportStatus.FAILED or stale),
        "issue": may_act and not report.is_issued and report.status == ReportStatus.DONE,
        "replace": may_act and report.is_issued and replacement is None,
        "replacement": replacement,
    }


def superseded_mark(report):
    """The words every page and print of a superseded document carries ("" when it stands): a
    ballot-count record whose count was corrected, or an issued document a newer one replaced."""
    if report.pk is None:  # a document being previewed, not stored: nothing supersedes it
        return ""
    replacement = report.replaced_by.filter(issued_at__isnull=False).order_by("issued_at").first()
    if replacement is not None:
        return f"ĐÃ ĐƯỢC THAY THẾ BẰNG VĂN BẢN SỐ {replacement.number_text}"
    if report.kind == DocumentKind.BALLOT_RECORD and report.ballot_round_id:
        correction = BallotRound.objects.filter(corrects_id=report.ballot_round_id).first()
        if correction is not None:
            record = report_of_round(correction)
            if record is not None:
                return f"ĐÃ ĐƯỢC ĐÍNH CHÍNH BẰNG BIÊN BẢN SỐ {record.number_text}"
            return "ĐÃ ĐƯỢC ĐÍNH CHÍNH: KẾT QUẢ KIỂM PHIẾU NÀY KHÔNG CÒN GIÁ TRỊ"
    return ""


def section_averages(table, rows):
    """Each section's mean agreed points over the members scored, with the best member."""
    averages = []
    for block in table.sections:
        code = block.section.code
        scored = [(r.sections.get(code), r.membership.province.name) for r in rows if r.sections.get(code) is not None]
        if not scored:
            continue
        best_points, best = max(scored, key=lambda item: item[0])
        averages.append(
            {
                "title": block.section.title,
                "max_points": block.max_points,
                "average": sum(points for points, _name in scored) / len(scored),
                "best": best,
                "best_points": best_points,
            }
        )
    return averages


def _committee(meeting):
    """(role, full name, post, province name) of the vote-counting committee, head first."""
    if meeting is None or not hasattr(meeting, "committee_members"):
        return []
    return [
        (m.role, m.full_name, m.post, m.province.name if m.province_id else "")
        for m in meeting.committee_members.select_related("province").order_by("role", "order", "pk")
    ]


def _round_lines(ballot_round, rule_set):
    return [(r, award_selectors.explain(r, rule_set), vn_percent(r.percent)) for r in ballot_round.results.all()]


def year_context(emulation_year, kind, *, ballot_round=None, report=None):
    """Everything a document of `kind` for the year shows, apart from its number: the facts the
    templates and the drafted texts are written from."""
    emulation_year = (
        EmulationYear.objects.select_related("cluster", "rule_set")
        .prefetch_related("memberships__province")
        .get(pk=emulation_year.pk)
    )
    cluster = emulation_year.cluster
    chair_province, vice_province = _issuer(emulation_year)
    meeting = award_selectors.meeting_of(emulation_year)
    covenant = covenant_selectors.covenant_of_year(emulation_year) if kind == DocumentKind.COVENANT else None
    day = document_day(kind, emulation_year, meeting, covenant)
    head = chair_in_office(cluster, day)
    if head is None:
        head = chair_province
    place = meeting.host_province.name if meeting else (head.name if head else "")
    presiding = meeting.presiding_name if meeting else ""
    members = cluster_selectors.members_of(emulation_year)
    context = {
        "kind": kind,
        "emulation_year": emulation_year,
        "cluster": cluster,
        "header": signing.document_header(cluster, head.name if head else ""),
        "chair_province": chair_province,
        "vice_province": vice_province,
        "head_province": head,
        "meeting": meeting,
        "members": members,
        "recipients": RECIPIENTS,
        "place_date": place_date_line(place, day) if place else "",
        "meeting_day": day,
        "landscape": kind in (DocumentKind.SCORE_SUMMARY, DocumentKind.SCORE_DETAIL),
        "rule_set": emulation_year.rule_set,
        "chair_blocks": [
            signing.cluster_chair_block(
                cluster=cluster,
                name=presiding,
                chair_province_name=head.name if head else "",
                chair_post=meeting.presiding_post if meeting else "",
            )
        ],
        "meeting_rows": signing.rows(
            signing.meeting_blocks(secretary=meeting.secretary_name if meeting else "", presiding=presiding)
        ),
    }
    if meeting is not None:
        delegations = list(meeting.delegations.all())
        present = [d for d in delegations if d.present]
        context.update(
            delegations=delegations,
            present_count=len(present),
            member_count=len(delegations),
            committee=_committee(meeting),
            copies=len(delegations) + 2,
        )
    if kind in (DocumentKind.MINUTES, DocumentKind.SCORE_SUMMARY, DocumentKind.YEAR_REPORT):
        table, rows = scoring_selectors.scoreboard_rows(emulation_year)
        context.update(
            table=table,
            rows=rows,
            agreed_by=scoring_selectors_peer.agreed_by(emulation_year),
        )
    if kind == DocumentKind.SCORE_DETAIL:
        context["detail"] = scoring_selectors.score_detail_table(emulation_year)
    if kind == DocumentKind.YEAR_REPORT:
        year_covenant = covenant_selectors.covenant_of_year(emulation_year)
        context.update(
            chart=bar_chart([(r.membership.province.name, r.agreed_total, r.rank) for r in context["rows"]]),
            section_averages=section_averages(context["table"], context["rows"]),
            year_commitments=list(year_covenant.commitments.all()) if year_covenant else [],
        )
    if kind in (DocumentKind.MINUTES, DocumentKind.YEAR_REPORT):
        rule_set = emulation_year.rule_set
        rounds = award_selectors.rounds_of(meeting)
        labels = round_labels(rounds)
        records = {
            r.ballot_round_id: r
            for r in Report.objects.filter(
                kind=DocumentKind.BALLOT_RECORD, ballot_round__in=[r.pk for r in rounds]
            ).order_by("issued_at", "requested_at")
        }
        corrected = {r.corrects_id for r in rounds if r.corrects_id}
        for r in rounds:
            r.lines = _round_lines(r, rule_set)
            r.vote_number = labels.get(r.pk)
            r.record = records.get(r.pk)
            r.corrects_record = records.get(r.corrects_id) if r.corrects_id else None
            r.superseded = r.pk in corrected
        nominations = award_selectors.nominations_of(emulation_year)
        next_year = EmulationYear.objects.filter(cluster=cluster, year=emulation_year.year + 1).first()
        next_chair, next_vice = cluster_selectors.term_of(next_year) if next_year else (None, None)
        next_covenant = covenant_selectors.covenant_of_year(next_year) if next_year else None
        context.update(
            rounds=[r for r in rounds if not r.superseded],
            all_rounds=rounds,
            next_year=emulation_year.year + 1,
            next_chair=next_chair,
            next_vice=next_vice,
            next_covenant=next_covenant,
            next_covenant_signed=[s for s in next_covenant.signatories.all() if s.signed_on] if next_covenant else [],
            proposed=[n for n in nominations if n.status in PROPOSED_BY_THE_CLUSTER],
        )
        context["texts"] = texts_of(emulation_year, kind, context)
    if kind == DocumentKind.BALLOT_RECORD and ballot_round is not None:
        ballot_round = BallotRound.objects.select_related("award_type", "meeting__host_province", "corrects").get(
            pk=ballot_round.pk
        )
        ballot_round.lines = [
            (r, award_selectors.explain(r, emulation_year.rule_set), vn_percent(r.percent))
            for r in ballot_round.results.select_related("nomination__province")
        ]
        rounds = award_selectors.rounds_of(meeting)
        ballot_round.vote_number = round_labels(rounds).get(ballot_round.pk)
        ballot_round.corrects_record = report_of_round(ballot_round.corrects) if ballot_round.corrects else None
        committee = context.get("committee", [])
        context.update(
            ballot_round=ballot_round,
            present=context.get("present_count", 0),
            members=context.get("member_count", 0),
            committee_rows=signing.rows(
                signing.committee_blocks([(role, name) for role, name, _post, _p in committee]), per_row=3
            )
            or context["meeting_rows"],
        )
    if kind == DocumentKind.COVENANT:
        covenant = covenant or covenant_selectors.covenant_of_year(emulation_year)
        host = covenant.host_province or head
        signing_day = covenant.signing_date or timezone.localdate()
        context.update(
            covenant=covenant,
            place_date=place_date_line(covenant.place or (host.name if host else ""), signing_day),
            covenant_rows=signing.rows(
                [
                    signing.province_block(
                        name=s.representative,
                        post=s.post,
                        authority=getattr(s, "authority", None) or None,
                        unit=f"TỈNH {signing.upper(s.province.name)}",
                    )
                    for s in covenant.signatories.all()
                ]
            ),
        )
    return context


def saved_texts(emulation_year, kind):
    return {
        t.key: t
        for t in DocumentText.objects.filter(emulation_year=emulation_year, kind=kind).select_related("updated_by")
    }


def texts_of(emulation_year, kind, context):
    """{part: text} of the document's written parts: what was saved, else the app's draft."""
    saved = {t.key: t.text for t in DocumentText.objects.filter(emulation_year=emulation_year, kind=kind)}
    return {key: saved[key] if key in saved else texts.draft(kind, key, context) for key, _label in texts.parts(kind)}


def kind_name_vi(kind):
    with translation.override("vi"):
        return str(DocumentKind(kind).label)


def document_context(report):
    """Everything the document's template needs (the report carries kind, year, round, number)."""
    context = year_context(report.emulation_year, report.kind, ballot_round=report.ballot_round, report=report)
    context.update(report=report, number_text=report.number_text, superseded_mark=superseded_mark(report))
    if report.replaces_id:
        replaced = report.replaces
        context["replaces_note"] = (
            f"Văn bản này thay thế {kind_name_vi(replaced.kind).lower()} số {replaced.number_text}"
            f" ({formatting.sentence(report.replacement_reason)})."
        )
    if report.kind == DocumentKind.SUBMISSION:
        from dossiers import selectors as dossier_selectors

        context.update(dossier_selectors.submission_context(report))
    return context

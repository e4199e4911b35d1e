"""Reads of the nomination dossiers: what a submission says, what the pack needs and holds, the
checklist and the deadline."""

import datetime
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from awards import selectors as award_selectors
from awards.enums import PROPOSED_BY_THE_CLUSTER, Outcome
from awards.models import FLAG, BallotResult, Nomination
from cluster import selectors as cluster_selectors
from covenants import selectors as covenant_selectors
from reports.enums import DocumentKind
from reports.formatting import place_date_line, vn_number, vn_percent
from reports.models import Report
from scoring import selectors as scoring_selectors
from scoring.models import Scorecard

from . import legal
from .enums import DossierState, PaperKind
from .models import Dossier

#: The year's documents a dossier carries, in the pack's order (the score detail only when issued).
YEAR_DOCUMENTS = (DocumentKind.MINUTES, DocumentKind.SCORE_SUMMARY, DocumentKind.SCORE_DETAIL)
REQUIRED_YEAR_DOCUMENTS = (DocumentKind.MINUTES, DocumentKind.SCORE_SUMMARY)


def nomination_get_for_user(user, nomination_id):
    """The nomination with its year, award and province if the user may read it; 404 alike for
    missing and forbidden."""
    nomination = (
        Nomination.objects.select_related(
            "emulation_year__cluster", "emulation_year__rule_set", "award_type", "province"
        )
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None or not user.has_perm("dossiers.view_dossier", nomination):
        raise Http404
    return nomination


def dossier_of(nomination):
    """The nomination's dossier, or None before anything was done with it."""
    return Dossier.objects.filter(nomination=nomination).select_related("built_by", "sent_by").first()


def dossiers_by_nomination(emulation_year):
    """{nomination id: dossier} of the year, in one query."""
    return {d.nomination_id: d for d in Dossier.objects.filter(nomination__emulation_year=emulation_year)}


def _rounds_of_award(nomination):
    meeting = award_selectors.meeting_of(nomination.emulation_year)
    return [r for r in award_selectors.rounds_of(meeting) if r.award_type_id == nomination.award_type_id]


def _latest_issued(reports, **match):
    """The issued report matching `match` that no issued report replaces, from a list."""
    replaced = {r.replaces_id for r in reports if r.replaces_id and r.issued_at}
    candidates = [
        r for r in reports if r.issued_at and r.pk not in replaced and all(getattr(r, k) == v for k, v in match.items())
    ]
    return max(candidates, key=lambda r: r.issued_at, default=None)


def _year_reports(nomination):
    return list(
        Report.objects.filter(emulation_year_id=nomination.emulation_year_id).filter(
            kind__in=[*YEAR_DOCUMENTS, DocumentKind.BALLOT_RECORD, DocumentKind.SUBMISSION]
        )
    )


@dataclass
class PackDocuments:
    """The documents of the year a dossier carries: each the issued one nothing replaces."""

    minutes: Report | None
    score_summary: Report | None
    score_detail: Report | None
    rounds: list  # [(ballot round, its issued record or None)]
    submission: Report | None  # issued
    submission_draft: Report | None
    reports: list = field(default_factory=list)


def pack_documents(nomination):
    reports = _year_reports(nomination)
    rounds = _rounds_of_award(nomination)
    year_docs = {
        kind: _latest_issued(reports, kind=kind, ballot_round_id=None, nomination_id=None) for kind in YEAR_DOCUMENTS
    }
    drafts = [
        r for r in reports if r.kind == DocumentKind.SUBMISSION and r.nomination_id == nomination.pk and not r.issued_at
    ]
    return PackDocuments(
        minutes=year_docs[DocumentKind.MINUTES],
        score_summary=year_docs[DocumentKind.SCORE_SUMMARY],
        score_detail=year_docs[DocumentKind.SCORE_DETAIL],
        rounds=[(r, _latest_issued(reports, kind=DocumentKind.BALLOT_RECORD, ballot_round_id=r.pk)) for r in rounds],
        submission=_latest_issued(reports, kind=DocumentKind.SUBMISSION, nomination_id=nomination.pk),
        submission_draft=drafts[0] if drafts else None,
        reports=reports,
    )


def _award_round_label(ballot_round):
    return _("%(award)s, round %(number)s") % {"award": ballot_round.award_type.name, "number": ballot_round.number}


def submission_blockers(emulation_year, nomination):
    """What keeps the submission (tờ trình) of a nomination from being made ([] when nothing)."""
    if nomination is None:
        return [_("Choose the nomination the submission is for.")]
    if nomination.emulation_year_id != emulation_year.pk:
        return [_("This nomination is not one of %(year)s.") % {"year": emulation_year.year}]
    if nomination.status not in PROPOSED_BY_THE_CLUSTER:
        return [
            _("The cluster has not proposed %(province)s for the %(award)s: the ballot has not elected it.")
            % {"province": nomination.province.name, "award": nomination.award_type.name}
        ]
    return []


def build_blockers(nomination, documents=None):
    """What keeps the dossier's pack from being built: the nomination must be proposed and the
    year's minutes, the award's ballot-count records and the score summary issued."""
    missing = submission_blockers(nomination.emulation_year, nomination)
    if missing:
        return missing
    documents = documents or pack_documents(nomination)
    if documents.minutes is None:
        missing.append(_("The minutes of the review meeting have not been issued."))
    if not documents.rounds:
        missing.append(_("The ballot of the %(award)s has not been counted.") % {"award": nomination.award_type.name})
    for ballot_round, record in documents.rounds:
        if record is None:
            missing.append(
                _("The ballot-count record of %(round)s has not been issued.")
                % {"round": _award_round_label(ballot_round)}
            )
    if documents.score_summary is None:
        missing.append(_("The score summary table has not been issued."))
    return missing


def certified_report(dossier):
    """The newest certified achievement report uploaded to the dossier, or None."""
    if dossier is None:
        return None
    return dossier.papers.filter(kind=PaperKind.CERTIFIED_REPORT).order_by("-uploaded_at", "-pk").first()


def pack_inputs(documents, certified):
    """What a pack is built from, to tell whether a built pack still shows the current documents."""
    inputs = [
        [r.kind, r.pk, r.version, bool(r.issued_at)]
        for r in [
            documents.submission or documents.submission_draft,
            documents.minutes,
            *[record for _round, record in documents.rounds],
            documents.score_summary,
            documents.score_detail,
        ]
        if r is not None
    ]
    if certified is not None:
        inputs.append(["paper", certified.pk, 1, True])
    return inputs


@dataclass
class ChecklistItem:
    key: str
    label: str
    present: bool
    required: bool = True
    detail: str = ""


@dataclass
class Checklist:
    items: list
    deadline: datetime.date | None
    days_left: int | None
    late: bool
    pack_current: bool

    @property
    def missing(self):
        return [item for item in self.items if item.required and not item.present]

    @property
    def days_late(self):
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def complete(self):
        return not self.missing


def _number(report):
    return _("No. %(number)s") % {"number": report.number_text} if report else ""


def checklist(nomination, dossier=None, documents=None):
    """Each paper of the dossier, present or not, and the year's dossier deadline."""
    documents = documents or pack_documents(nomination)
    certified = certified_report(dossier)
    items = [
        ChecklistItem(
            "minutes",
            _("Minutes of the review meeting, issued"),
            bool(documents.minutes),
            True,
            _number(documents.minutes),
        ),
    ]
    for ballot_round, record in documents.rounds:
        items.append(
            ChecklistItem(
                f"ballot_record_{ballot_round.pk}",
                _("Ballot-count record (%(round)s), issued") % {"round": _award_round_label(ballot_round)},
                bool(record),
                True,
                _number(record),
            )
        )
    if not documents.rounds:
        items.append(ChecklistItem("ballot_record", _("Ballot-count record, issued"), False))
    items += [
        ChecklistItem(
            "score_summary",
            _("Score summary table, issued"),
            bool(documents.score_summary),
            True,
            _number(documents.score_summary),
        ),
        ChecklistItem(
            "score_detail",
            _("Detailed score table, issued"),
            bool(documents.score_detail),
            False,
            _number(documents.score_detail),
        ),
    ]
    submission_detail = _number(documents.submission)
    if not documents.submission and documents.submission_draft:
        submission_detail = _("Draft %(number)s, version %(version)s: to be issued") % {
            "number": documents.submission_draft.number_text,
            "version": documents.submission_draft.version,
        }
    items.append(
        ChecklistItem(
            "submission", _("Submission (tờ trình), issued"), bool(documents.submission), True, submission_detail
        )
    )
    items.append(
        ChecklistItem(
            "certified_report",
            _("Achievement report certified by the province, uploaded"),
            bool(certified),
            True,
            certified.original_name if certified else _("The province uploads it once signed and sealed."),
        )
    )
    built = bool(dossier and dossier.pack)
    current = built and dossier.manifest.get("inputs") == pack_inputs(documents, certified)
    items.append(
        ChecklistItem(
            "pack",
            _("Pack built with the documents above"),
            current,
            True,
            "" if current else (_("Build the pack again: a document changed since.") if built else ""),
        )
    )
    deadline = nomination.emulation_year.rule_set.dossier_deadline
    today = timezone.localdate()
    sent_on = dossier.sent_on if dossier and dossier.state == DossierState.SENT else None
    days_left = (deadline - today).days if deadline and not sent_on else None
    late = bool(deadline and ((sent_on or today) > deadline))
    return Checklist(items, deadline, days_left, late, current)


def vn_amount(value):
    """A number in prose: decimal comma, no trailing zeros ("100", "99,5")."""
    text = vn_number(value)
    return text.rstrip("0").rstrip(",") if "," in text else text


# --- the submission (tờ trình, form 01) --------------------------------------------------------

VOTE_BASES = {
    "members": "tổng số thành viên Cụm",
    "present": "số thành viên có mặt",
    "valid_ballots": "số phiếu hợp lệ",
}


def final_result(nomination):
    """The nomination's result in the last round of its award that counted it."""
    return (
        BallotResult.objects.filter(nomination=nomination, ballot_round__corrections__isnull=True)
        .select_related("ballot_round")
        .order_by("-ballot_round__number")
        .first()
    )


def _scorecard(nomination):
    cards = Scorecard.objects.filter(emulation_year_id=nomination.emulation_year_id, province=nomination.province)
    return cards.first()


def _award_phrase(nomination):
    """The Prime Minister decides both the Government flag and the certificate of merit."""
    return "Thủ tướng Chính phủ tặng"


def _document_day(emulation_year):
    meeting = award_selectors.meeting_of(emulation_year)
    return timezone.localtime(meeting.starts_at).date() if meeting else timezone.localdate(), meeting


def submission_facts(nomination):
    """What the submission and the achievement report say of the nominee: rank, points, votes."""
    emulation_year = nomination.emulation_year
    table = scoring_selectors.criteria_table(emulation_year)
    card = _scorecard(nomination)
    members = len(cluster_selectors.member_province_ids(emulation_year))
    result = final_result(nomination)
    rule_set = emulation_year.rule_set
    max_total = table.maxima.total  # the points of the scale, bonus not included
    sections = []
    for block in table.sections:
        code = block.section.code
        agreed = (card.section_totals or {}).get(code) if card else None
        own = (card.self_section_totals or {}).get(code) if card else None
        sections.append(
            {
                "code": code,
                "title": block.section.title,
                "max_points": vn_number(block.max_points) if block.max_points is not None else "",
                "self": vn_number(own) if own is not None else "",
                "agreed": vn_number(agreed) if agreed is not None else "",
            }
        )
    return {
        "scorecard": card,
        "rank": card.rank if card else nomination.rank,
        "members": members,
        "total": vn_number(card.agreed_total) if card and card.agreed_total is not None else "",
        "self_total": vn_number(card.self_total) if card else "",
        "max_total": vn_number(max_total) if max_total else "",
        "scale": vn_amount(max_total) if max_total else "",
        "sections": sections,
        "result": result,
        "votes_percent": vn_percent(result.percent) if result else "",
        "vote_base": VOTE_BASES.get(rule_set.vote_base, ""),
    }


def submission_context(report):
    """What the submission's template (dossiers/pdf/submission.html) needs beyond the year's."""
    nomination = Nomination.objects.select_related("award_type", "province", "emulation_year__rule_set").get(
        pk=report.nomination_id
    )
    emulation_year = nomination.emulation_year
    rule_set = emulation_year.rule_set
    day, meeting = _document_day(emulation_year)
    documents = pack_documents(nomination)
    drafts_and_issued = {}
    for r in documents.reports:  # the numbers the submission cites: issued, else the draft's
        key = (r.kind, r.ballot_round_id)
        if r.kind != DocumentKind.SUBMISSION and (key not in drafts_and_issued or r.issued_at):
            drafts_and_issued[key] = r
    minutes = documents.minutes or drafts_and_issued.get((DocumentKind.MINUTES, None))
    summary = documents.score_summary or drafts_and_issued.get((DocumentKind.SCORE_SUMMARY, None))
    records = [
        record or drafts_and_issued.get((DocumentKind.BALLOT_RECORD, ballot_round.pk))
        for ballot_round, record in documents.rounds
    ]
    bases = legal.legal_bases(day)
    source = legal.source_basis(rule_set.source_document, bases)
    if source:
        bases.append(source)
    return {
        "nomination": nomination,
        "award_type": nomination.award_type,
        "province": nomination.province,
        "award_phrase": _award_phrase(nomination),
        "legal_bases": bases,
        "rule_set": rule_set,
        "minutes_report": minutes,
        "summary_report": summary,
        "ballot_reports": [r for r in records if r],
        "detail_report": documents.score_detail,
        "meeting_day": day,
        "meeting": meeting,
        "facts": submission_facts(nomination),
        "recipients": ["Như trên", f"UBND tỉnh {nomination.province.name}", "Các thành viên Cụm thi đua"],
    }


# --- the draft achievement report (the province certifies it) ---------------------------------


def earlier_awards(nomination):
    """The nominee's awards of earlier years recorded in the app (decision number and date)."""
    return list(
        Nomination.objects.filter(
            province=nomination.province,
            emulation_year__year__lt=nomination.emulation_year.year,
            outcome=Outcome.AWARDED,
        )
        .select_related("award_type", "emulation_year")
        .order_by("emulation_year__year", "award_type__order")
    )


def achievement_context(nomination):
    """The context of dossiers/pdf/achievement_report.html: the form of the Government flag's
    (or the certificate's) achievement report, filled with what the app knows."""
    emulation_year = nomination.emulation_year
    cluster = emulation_year.cluster
    day, meeting = _document_day(emulation_year)
    covenant = covenant_selectors.covenant_of_year(emulation_year)
    province = nomination.province
    blank = "\u00a0" * 6
    return {
        "nomination": nomination,
        "province": province,
        "award_type": nomination.award_type,
        "is_flag": nomination.award_type.code == FLAG,
        "emulation_year": emulation_year,
        "cluster": cluster,
        "header": {"parent": "", "issuer": format_html("ỦY BAN NHÂN DÂN<br>TỈNH {}", province.name.upper())},
        "number_text": f"{blank}/BC-UBND",
        "place_date": f"{province.name}, ngày{blank}tháng{blank}năm {day.year}",
        "meeting": meeting,
        "meeting_day": day,
        "meeting_place_date": place_date_line(meeting.place, day) if meeting else "",
        "members": list(emulation_year.memberships.select_related("province").order_by("province__name")),
        "facts": submission_facts(nomination),
        "commitments": list(covenant.commitments.all()) if covenant else [],
        "earlier_awards": earlier_awards(nomination),
        "province_block": {"authority": ["TM. ỦY BAN NHÂN DÂN"], "post": "CHỦ TỊCH", "name": "", "below": ""},
    }

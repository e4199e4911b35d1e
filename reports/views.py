from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from awards.models import BallotRound
from cluster.views import YearMixin
from common.downloads import private_file_response

from . import selectors, services
from .enums import DocumentKind, ReportStatus
from .models import Report

YEAR_KINDS = [
    DocumentKind.MINUTES,
    DocumentKind.SCORE_SUMMARY,
    DocumentKind.SCORE_DETAIL,
    DocumentKind.YEAR_REPORT,
    DocumentKind.COVENANT,
]


class DocumentsView(YearMixin, TemplateView):
    """The year's documents: what can be made (or what is missing), and those made."""

    template_name = "reports/documents.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rounds = list(
            BallotRound.objects.filter(meeting__emulation_year=self.emulation_year).select_related("award_type")
        )
        available = [
            (kind, kind.label, None, selectors.document_blockers(kind, self.emulation_year)) for kind in YEAR_KINDS
        ]
        available += [
            (
                DocumentKind.BALLOT_RECORD,
                f"{DocumentKind.BALLOT_RECORD.label} – {r.award_type.name}, "
                f"{_('round %(number)s') % {'number': r.number}}",
                r,
                selectors.document_blockers(DocumentKind.BALLOT_RECORD, self.emulation_year, r),
            )
            for r in rounds
        ]
        context.update(
            available=available,
            reports=Report.objects.filter(emulation_year=self.emulation_year).select_related(
                "requested_by", "ballot_round__award_type"
            )[:50],
            can_request=self.request.user.has_perm("reports.request_document", self.emulation_year),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("reports.request_document", self.emulation_year):
            raise PermissionDenied
        kind = request.POST.get("kind")
        if kind not in DocumentKind.values:
            raise Http404
        ballot_round = None
        if kind == DocumentKind.BALLOT_RECORD:
            round_id = request.POST.get("round", "")
            if not round_id.isdigit():
                raise Http404
            ballot_round = get_object_or_404(BallotRound, pk=round_id, meeting__emulation_year=self.emulation_year)
        try:
            report = services.report_request(
                kind=kind, emulation_year=self.emulation_year, user=request.user, ballot_round=ballot_round
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("reports:documents", cluster_id=self.cluster.pk, year=self.emulation_year.year)
        return redirect("reports:report", pk=report.pk)


def _report_for(request, pk):
    report = get_object_or_404(Report.objects.select_related("emulation_year__cluster", "requested_by"), pk=pk)
    if not request.user.has_perm("reports.view_document", report.emulation_year):
        raise Http404
    return report


def report_detail(request, pk):
    """The document's progress; the page reloads itself until the file is ready."""
    report = _report_for(request, pk)
    stale = services.report_is_stale(report)
    can_retry = request.user.has_perm("reports.request_document", report.emulation_year) and (
        report.status == ReportStatus.FAILED or stale
    )
    if request.method == "POST":
        if not can_retry:
            raise PermissionDenied
        try:
            services.report_retry(report=report, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("reports:report", pk=report.pk)
    waiting = report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING) and not stale
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "waiting": waiting,
            "stale": stale,
            "can_retry": can_retry,
            "cluster": report.emulation_year.cluster,
            "emulation_year": report.emulation_year,
        },
    )


def report_download(request, pk):
    report = _report_for(request, pk)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404
    return private_file_response(
        report.file.open("rb"), filename=report.download_name(), content_type="application/pdf"
    )

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from awards.models import BallotRound
from cluster.views import YearMixin
from common.confirm import confirmation_page, is_confirmed
from common.downloads import private_file_response

from . import selectors, services, texts
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
        labels = selectors.round_labels(rounds)
        available += [
            (
                DocumentKind.BALLOT_RECORD,
                " – ".join(
                    part
                    for part in (
                        str(DocumentKind.BALLOT_RECORD.label),
                        r.award_type.name,
                        str(_("correction")) if r.corrects_id else "",
                        _("round %(number)s") % {"number": labels[r.pk]} if labels.get(r.pk) else "",
                    )
                    if part
                ),
                r,
                selectors.document_blockers(DocumentKind.BALLOT_RECORD, self.emulation_year, r),
            )
            for r in rounds
        ]
        context.update(
            available=available,
            reports=Report.objects.filter(emulation_year=self.emulation_year).select_related(
                "requested_by", "ballot_round__award_type", "nomination__province"
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
    """The document's progress (the page reloads itself until the file is ready), its versions,
    and the actions on it: render again after a failure, issue a draft, replace an issued one."""
    report = _report_for(request, pk)
    stale = services.report_is_stale(report)
    actions = selectors.report_actions(report, request.user, stale=stale)
    can_retry, can_issue, can_replace = actions["retry"], actions["issue"], actions["replace"]
    replacement = actions["replacement"]
    if request.method == "POST":
        action = request.POST.get("action", "retry")
        back = redirect("reports:report", pk=report.pk)
        try:
            if action == "retry" and can_retry:
                services.report_retry(report=report, user=request.user)
            elif action == "issue" and can_issue:
                if not is_confirmed(request):
                    return confirmation_page(
                        request,
                        title=_("Issue %(document)s %(number)s?")
                        % {
                            "document": report.get_kind_display(),
                            "number": report.number_text,
                        },
                        frozen=_(
                            "Once issued, the document keeps this number and this file for good: it is never "
                            "made again. A mistake is put right by a replacement that says which it replaces."
                        ),
                        lines=[
                            _("Version %(version)s, %(pages)s page(s)")
                            % {"version": report.version, "pages": report.pages}
                        ],
                        cancel_url=request.path,
                        fields={"action": "issue"},
                    )
                services.report_issue(report=report, user=request.user)
                messages.success(request, _("The document is issued."))
            elif action == "replace" and can_replace:
                replacement = services.report_request(
                    kind=report.kind,
                    emulation_year=report.emulation_year,
                    user=request.user,
                    ballot_round=report.ballot_round,
                    nomination=report.nomination,
                    replaces=report,
                    reason=request.POST.get("reason", ""),
                )
                return redirect("reports:report", pk=replacement.pk)
            else:
                raise PermissionDenied
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return back
    waiting = report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING) and not stale
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "waiting": waiting,
            "stale": stale,
            "can_retry": can_retry,
            "can_issue": can_issue,
            "can_replace": can_replace,
            "replacement": replacement,
            "superseded_mark": selectors.superseded_mark(report),
            "cluster": report.emulation_year.cluster,
            "emulation_year": report.emulation_year,
        },
    )


def report_download(request, pk):
    """The PDF (marked on every page when it has been superseded) or, with ?format=docx, the Word file."""
    report = _report_for(request, pk)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404
    if request.GET.get("format") == "docx":
        if not report.docx_file:
            raise Http404
        return private_file_response(
            io.BytesIO(services.print_copy(report, word=True)),
            filename=report.download_name(".docx"),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    return private_file_response(
        io.BytesIO(services.print_copy(report)), filename=report.download_name(), content_type="application/pdf"
    )


class DocumentTextsView(YearMixin, TemplateView):
    """The written parts of the minutes or the year-end report, starting from the app's draft."""

    template_name = "reports/texts.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in (DocumentKind.MINUTES, DocumentKind.YEAR_REPORT):
            raise Http404
        self.kind = DocumentKind(kwargs["kind"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facts = selectors.year_context(self.emulation_year, self.kind)
        saved = selectors.saved_texts(self.emulation_year, self.kind)
        posted = getattr(self, "posted", {})
        context.update(
            kind=self.kind,
            parts=[
                {
                    "key": key,
                    "label": label,
                    "text": posted.get(key, saved[key].text if key in saved else facts["texts"][key]),
                    "saved": saved.get(key),
                }
                for key, label in texts.parts(self.kind)
            ],
            can_edit=self.request.user.has_perm("reports.request_document", self.emulation_year),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("reports.request_document", self.emulation_year):
            raise PermissionDenied
        values = {key: request.POST.get(key, "") for key in texts.part_keys(self.kind) if key in request.POST}
        try:
            services.document_texts_save(
                emulation_year=self.emulation_year, kind=self.kind, texts=values, user=request.user
            )
        except ValidationError as error:
            self.posted = values  # nothing typed is lost
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(**kwargs))
        messages.success(request, _("The text is saved; the next draft of the document uses it."))
        return redirect("reports:texts", cluster_id=self.cluster.pk, year=self.emulation_year.year, kind=self.kind)

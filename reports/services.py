"""Documents: issuing numbers, asking for a document, rendering it to PDF with WeasyPrint."""

import atexit
import datetime
import functools
import io
import logging
import re
import threading
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import events

from . import selectors
from .enums import SYMBOLS, DocumentKind, ReportStatus
from .formatting import document_number
from .models import DocumentCounter, Report

logger = logging.getLogger(__name__)

TEMPLATES = {
    DocumentKind.MINUTES: "reports/pdf/minutes.html",
    DocumentKind.BALLOT_RECORD: "reports/pdf/ballot_record.html",
    DocumentKind.SCORE_SUMMARY: "reports/pdf/score_summary.html",
    DocumentKind.COVENANT: "reports/pdf/covenant.html",
    DocumentKind.YEAR_REPORT: "reports/pdf/year_report.html",
    DocumentKind.SCORE_DETAIL: "reports/pdf/score_detail.html",
    DocumentKind.SUBMISSION: "dossiers/pdf/submission.html",
}


class BrokerUnavailable(ValidationError):
    pass


UNAVAILABLE = gettext_lazy(
    "The document service is unavailable right now (the task queue does not answer). "
    "Nothing was created: try again in a few minutes."
)


def document_number_issue(*, cluster, year, kind):
    """The next number of this cluster, year and kind; never issued twice (row lock)."""
    counter, _created = DocumentCounter.objects.get_or_create(cluster=cluster, year=year, kind=kind)
    counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def broker_available():
    """True when tasks run in-process or the broker answers within a couple of seconds."""
    from config.celery import app

    if app.conf.task_always_eager:
        return True
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.warning("Celery broker unreachable", exc_info=True)
        return False
    return True


def stale_after():
    """How long a render may stay queued or running before it is taken as lost with its worker."""
    return datetime.timedelta(seconds=settings.DOCUMENT_RENDER_TIME_LIMIT + 60)


def _queue_render(report_id):
    """Queue the render once the transaction that wrote the report commits (the worker must find
    the row). If the broker fails at that moment, the report is marked failed with the reason, so
    that its page offers to render it again: nothing is lost and the number is kept."""
    from .tasks import render_report

    def send():
        try:
            render_report.apply_async(kwargs={"report_id": report_id}, queue=settings.CELERY_TASK_DEFAULT_QUEUE)
        except Exception:
            logger.warning("Render of report %s not queued", report_id, exc_info=True)
            Report.objects.filter(pk=report_id).exclude(status=ReportStatus.FAILED).update(
                status=ReportStatus.FAILED, error=str(UNAVAILABLE), finished_at=timezone.now()
            )

    transaction.on_commit(send)


def _ensure_owner(*, kind, emulation_year, user):
    """A year's documents are its chair's; its covenant is the province's whose review signs it."""
    from cluster import selectors as cluster_selectors

    if user is None or user.is_superuser:
        return
    if kind == DocumentKind.COVENANT:
        if user.province_id != cluster_selectors.covenant_owner_province_id(emulation_year):
            raise ValidationError(
                _("The covenant of %(year)s is the document of the chair whose review meeting signs it.")
                % {"year": emulation_year.year}
            )
    elif user.province_id != cluster_selectors.chair_province_id(emulation_year):
        raise ValidationError(
            _("The documents of %(year)s are made by the chair of %(year)s.") % {"year": emulation_year.year}
        )


def _draft_of(*, kind, emulation_year, ballot_round=None, nomination=None):
    return (
        Report.objects.select_for_update()
        .filter(
            emulation_year=emulation_year,
            kind=kind,
            ballot_round=ballot_round,
            nomination=nomination,
            issued_at__isnull=True,
        )
        .first()
    )


def latest_issued(*, kind, emulation_year, ballot_round=None, nomination=None):
    """The issued document of this kind that nothing replaces yet, or None."""
    return (
        Report.objects.filter(
            emulation_year=emulation_year,
            kind=kind,
            ballot_round=ballot_round,
            nomination=nomination,
            issued_at__isnull=False,
        )
        .exclude(replaced_by__issued_at__isnull=False)
        .order_by("-issued_at")
        .first()
    )


def report_request(*, kind, emulation_year, user, ballot_round=None, nomination=None, replaces=None, reason=""):
    """Ask for a document: refused with what is missing, or while the broker is down (nothing
    created). A draft of the same document is made again under its number (a new version); once
    it is issued, making it again needs `replaces` (that issued document) and a reason, and gives
    a new document with a new number that says which it replaces."""
    _ensure_owner(kind=kind, emulation_year=emulation_year, user=user)
    missing = selectors.document_blockers(kind, emulation_year, ballot_round, nomination)
    if missing:
        raise ValidationError([_("This document cannot be made yet:"), *missing])
    if not broker_available():
        raise BrokerUnavailable(UNAVAILABLE)
    with transaction.atomic():
        # The counter row serialises the requests of one kind: one draft, one number at a time.
        counter, _created = DocumentCounter.objects.get_or_create(
            cluster=emulation_year.cluster, year=emulation_year.year, kind=kind
        )
        DocumentCounter.objects.select_for_update().get(pk=counter.pk)
        draft = _draft_of(kind=kind, emulation_year=emulation_year, ballot_round=ballot_round, nomination=nomination)
        if draft is not None:
            if draft.status in (ReportStatus.QUEUED, ReportStatus.RUNNING) and not report_is_stale(draft):
                return draft  # being made already: a double click makes nothing more
            draft.version += 1
            draft.status, draft.error, draft.requested_by = ReportStatus.QUEUED, "", user
            draft.requested_at = timezone.now()
            draft.save(update_fields=["version", "status", "error", "requested_by", "requested_at"])
            _queue_render(draft.pk)
            report = draft
        else:
            issued = latest_issued(
                kind=kind, emulation_year=emulation_year, ballot_round=ballot_round, nomination=nomination
            )
            if issued is not None and (replaces is None or replaces.pk != issued.pk):
                raise ValidationError(
                    _(
                        "%(document)s %(number)s has been issued: it is not made again. To replace it, "
                        "make a replacement that says why."
                    )
                    % {"document": issued.get_kind_display(), "number": issued.number_text}
                )
            if issued is not None and not reason.strip():
                raise ValidationError(_("Say why the issued document is replaced."))
            number = document_number_issue(cluster=emulation_year.cluster, year=emulation_year.year, kind=kind)
            report = Report.objects.create(
                kind=kind,
                emulation_year=emulation_year,
                ballot_round=ballot_round,
                nomination=nomination,
                number=number,
                number_text=document_number(number, SYMBOLS[kind]),
                requested_by=user,
                replaces=issued,
                replacement_reason=reason.strip() if issued else "",
            )
            _queue_render(report.pk)
    report.refresh_from_db()
    return report


def report_issue(*, report, user=None):
    """Make a rendered draft the official document (bản chính thức): from now on it keeps its
    number and its file; what it replaces is superseded. Refused for a draft not rendered."""
    _ensure_owner(kind=report.kind, emulation_year=report.emulation_year, user=user)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.issued_at is not None:
            raise ValidationError(_("This document has already been issued."))
        if report.status != ReportStatus.DONE or report.rendered_version != report.version or not report.file:
            raise ValidationError(_("Only a document that has been rendered can be issued."))
        report.issued_at, report.issued_by = timezone.now(), user
        report.save(update_fields=["issued_at", "issued_by"])
    return report


def report_retry(*, report, user=None):
    """Queue a failed (or lost) render again, after commit; the document keeps its number."""
    _ensure_owner(kind=report.kind, emulation_year=report.emulation_year, user=user)
    if report.issued_at is not None:
        raise ValidationError(_("An issued document is not rendered again."))
    if report.status not in (ReportStatus.FAILED,) and not report_is_stale(report):
        raise ValidationError(_("Only a failed document can be rendered again."))
    if not broker_available():
        raise BrokerUnavailable(UNAVAILABLE)
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, error="")
        _queue_render(report.pk)
    report.refresh_from_db()
    return report


def reports_requeue_waiting(*, older_than=None):
    """Send again the renders still queued after `older_than` (their message was lost, e.g. a
    broker restarted without persistence). The task is idempotent, so a duplicate is harmless.
    Returns how many were sent; does nothing while the broker is down."""
    if not broker_available():
        return 0
    if older_than is None:
        older_than = datetime.timedelta(seconds=settings.DOCUMENTS_REQUEUE_AFTER)
    limit = timezone.now() - older_than
    waiting = list(
        Report.objects.filter(status=ReportStatus.QUEUED, requested_at__lt=limit).values_list("pk", flat=True)
    )
    for report_id in waiting:
        _queue_render(report_id)
    return len(waiting)


def report_is_stale(report):
    since = report.started_at or report.requested_at
    return (
        report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)
        and since
        and timezone.now() - since > stale_after()
    )


def reports_fail_stale():
    """Mark renders lost with their worker as failed, so that none stays "running" forever."""
    limit = timezone.now() - stale_after()
    return Report.objects.filter(status=ReportStatus.RUNNING, started_at__lt=limit).update(
        status=ReportStatus.FAILED,
        error=_("The render was interrupted (its worker stopped). Render it again."),
        finished_at=timezone.now(),
    )


def _font_dir():
    return Path(getattr(settings, "PDF_FONT_DIR", "/usr/share/fonts/truetype/liberation2"))


def _document_folders():
    return (_font_dir().resolve(), (Path(settings.BASE_DIR) / "static").resolve())


def document_resource_path(url):
    """The file a document may load for `url`, or ValueError: only a local file:// URL whose
    path stays inside the fonts or static folders. A `..` or a backslash anywhere is refused,
    percent-encoded too (%2e%2e, %252e%252e, ...), before the path is resolved and checked."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise ValueError(f"Resource not allowed in a document: {url}")
    decoded = url
    for _round in range(4):  # undo nested percent-encoding (%252e -> %2e -> .)
        decoded, before = unquote(decoded), decoded
        if decoded == before:
            break
    else:
        raise ValueError(f"Resource not allowed in a document (encoded too many times): {url}")
    if ".." in decoded or "\\" in decoded or "\x00" in decoded:
        raise ValueError(f"Resource not allowed in a document: {url}")
    path = Path(url2pathname(parts.path)).resolve()
    if not any(path.is_relative_to(folder) for folder in _document_folders()):
        raise ValueError(f"Resource not allowed in a document: {url}")
    return path


def document_fetcher():
    """A WeasyPrint fetcher that loads only our static files and the Vietnamese-covering fonts
    (`document_resource_path`); nothing from the network."""
    from weasyprint.urls import URLFetcher

    class DocumentFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            document_resource_path(url)
            return super().fetch(url, headers)

    return DocumentFetcher(allowed_protocols=["file"])


def render_html(template, context):
    """The document's HTML, in Vietnamese: the one content both the PDF and the Word file come from."""
    with translation.override("vi"):
        return render_to_string(template, context)


def _layout(document):
    """Where the render put the signer's blank space (anchor `signature-space`: the box between the
    post and the name, as wide as the signature's column), in CSS px from the page's top-left, for
    a signature stamped on the PDF later."""
    for index, page in enumerate(document.pages):
        if "signature-space" in page.anchors:
            x1, y1, x2, y2 = page.anchors["signature-space"][:4]
            return {
                "signature": {
                    "page": index,
                    "x": round(x1, 2),
                    "y": round(y1, 2),
                    "width": round(x2 - x1, 2),
                    "height": round(y2 - y1, 2),
                    "page_width": round(page.width, 2),
                    "page_height": round(page.height, 2),
                }
            }
    return {}


_fonts = threading.local()


@atexit.register
def _forget_fonts():
    """At exit, while the modules are still loaded: the font configuration removes its folder of
    font files as it goes, which it cannot do once the interpreter has begun tearing down."""
    vars(_fonts).clear()


def document_fonts():
    """(font configuration, stylesheet of the embedded font faces) shared by every document this
    thread renders: the font files are loaded and registered once instead of at every render
    (a tenth of a document's time), and the shaped glyphs stay cached. A document's own HTML
    declares no @font-face (each would be added to the shared configuration again)."""
    folder = _font_dir()
    if getattr(_fonts, "folder", None) != folder:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        config = FontConfiguration()
        faces = render_to_string("reports/pdf/fonts.css", {"font_dir": folder})
        _fonts.sheet = CSS(string=faces, font_config=config, url_fetcher=document_fetcher())
        _fonts.config, _fonts.folder = config, folder
    return _fonts.config, _fonts.sheet


@functools.cache
def document_rules():
    """The rules every document shares (reports/pdf/document.css), parsed once per process: they
    were parsed again at every render, out of each document's <style> (a twentieth of a table
    document's time, a third of a short one's). Read-only once parsed, like WeasyPrint's own."""
    from weasyprint import CSS

    return CSS(string=render_to_string("reports/pdf/document.css"), url_fetcher=document_fetcher())


#: The rules of WeasyPrint's stylesheet for HTML that give every element of a document the style
#: of a pseudo-element it never has: the calls and markers of footnotes and notes (the documents
#: have none), and list markers, which only list items (and <summary>) show.
_EVERY_ELEMENT_PSEUDO = re.compile(
    r"^::(footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^}]*\}\n", re.M
)
_EVERY_ELEMENT_MARKER = re.compile(r"^::marker \{", re.M)


def document_ua_css():
    """WeasyPrint's own stylesheet for HTML, as its documents are rendered: without the rules that
    give each element (300 in a 20-member score summary) six pseudo-element styles to compute and
    never draw, a tenth of a table document's render. Everything else is WeasyPrint's, read from its
    package, so an upgrade brings its changes; tests check the two lay out every document alike."""
    text = (files("weasyprint.css") / "html5_ua.css").read_text(encoding="utf-8")
    return _EVERY_ELEMENT_MARKER.sub(":is(li, summary)::marker {", _EVERY_ELEMENT_PSEUDO.sub("", text))


@functools.cache
def _document_html_class():
    from weasyprint import CSS, HTML

    ua_sheet = CSS(string=document_ua_css())

    class DocumentHTML(HTML):
        """WeasyPrint's HTML with the documents' user-agent stylesheet (document_ua_css); the one
        for forms, if asked, stays WeasyPrint's."""

        def _ua_stylesheets(self, forms=False):
            return [ua_sheet, *super()._ua_stylesheets(forms)[1:]]

    return DocumentHTML


def render_pdf_document(html, *, shared_rules=True):
    """HTML → (PDF bytes, page count, layout), with the embedded fonts and, unless `shared_rules` is
    false (a page that is no document: the superseded mark), the documents' shared rules.
    WeasyPrint is imported here: it is slow to import."""
    config, faces = document_fonts()
    document = _document_html_class()(
        string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=document_fetcher()
    ).render(font_config=config, stylesheets=[faces, document_rules()] if shared_rules else [faces])
    return document.write_pdf(), len(document.pages), _layout(document)


def render_docx(html):
    """The same HTML as a Word file in the decree-30 layout (reports.docx)."""
    from .docx import html_to_docx

    return html_to_docx(html)


def print_copy(report, word=False):
    """The file a reader downloads (the PDF, or with `word` the .docx): the stored file as it was
    made, and once the document has been superseded (its count corrected, or an issued replacement)
    the same file marked so at the top of every page. Nothing is rendered again from today's data,
    and the stored file itself never changes."""
    mark = selectors.superseded_mark(report)
    stored = report.docx_file if word else report.file
    with stored.open("rb") as handle:
        data = handle.read()
    if not mark:
        return data
    return _mark_docx(data, mark) if word else _mark_pdf(data, mark)


def _mark_pdf(data, mark):
    """Lay a page holding only `mark` (top right, in the top margin) over every page of `data`."""
    from pypdf import PdfReader, PdfWriter

    overlays = {}
    writer = PdfWriter(clone_from=io.BytesIO(data))
    for page in writer.pages:
        size = (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))
        if size not in overlays:
            html = render_html(
                "reports/pdf/superseded_overlay.html", {"mark": mark, "width": size[0], "height": size[1]}
            )
            overlay = render_pdf_document(html, shared_rules=False)[0]
            overlays[size] = PdfReader(io.BytesIO(overlay)).pages[0]
        page.merge_page(overlays[size])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _mark_docx(data, mark):
    """The Word file with `mark` first in every page header (first pages too)."""
    import docx
    from docx.shared import Pt, RGBColor

    document = docx.Document(io.BytesIO(data))
    for section in document.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        for header in headers:
            header.is_linked_to_previous = False
            first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            paragraph = first.insert_paragraph_before()
            paragraph.alignment = 2  # right
            run = paragraph.add_run(mark)
            run.bold, run.font.size, run.font.color.rgb = True, Pt(10), RGBColor(0xB0, 0, 0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@transaction.atomic
def document_texts_save(*, emulation_year, kind, texts, user=None):
    """Save the written parts of a document (`texts`: {part: text}); unknown parts are refused.
    An issued document keeps what it said; the next draft shows the new text."""
    from . import texts as document_texts
    from .models import DocumentText

    _ensure_owner(kind=kind, emulation_year=emulation_year, user=user)
    keys = document_texts.part_keys(kind)
    unknown = sorted(set(texts) - set(keys))
    if not keys or unknown:
        raise ValidationError(_("This document has no such part: %(parts)s") % {"parts": ", ".join(unknown) or kind})
    saved = []
    for key in keys:
        if key not in texts:
            continue
        value = "\n".join(line.rstrip() for line in (texts[key] or "").strip().splitlines())
        if len(value) > 20000:
            raise ValidationError(_("A part of a document holds at most 20,000 characters."))
        row, _created = DocumentText.objects.update_or_create(
            emulation_year=emulation_year, kind=kind, key=key, defaults={"text": value, "updated_by": user}
        )
        saved.append(row)
    return saved


def render_pdf(template, context):
    """HTML → PDF bytes and page count."""
    pdf, pages, _layout_ = render_pdf_document(render_html(template, context))
    return pdf, pages


def report_render(*, report_id):
    """Render the report's PDF and store it, replacing any earlier file: running it twice
    leaves one correct file. A failure is recorded in plain words and raised again."""
    report = Report.objects.select_related("emulation_year").filter(pk=report_id).first()
    if report is None:
        logger.info("Report %s is gone; nothing to render", report_id)
        return None
    if report.issued_at is not None or (
        report.status == ReportStatus.DONE and report.file and report.rendered_version >= report.version
    ):
        return report
    version = report.version
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now(), attempts=report.attempts + 1
    )
    try:
        html = render_html(TEMPLATES[report.kind], selectors.document_context(report))
        pdf, pages, layout = render_pdf_document(html)
        word = render_docx(html)
    except Exception as error:
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED,
            finished_at=timezone.now(),
            error=_("The document could not be rendered: %(error)s") % {"error": str(error)[:500]},
        )
        raise
    old = [f.name for f in (report.file, report.docx_file) if f]
    report.file.save(f"{report.kind}.pdf", ContentFile(pdf), save=False)
    report.docx_file.save(f"{report.kind}.docx", ContentFile(word), save=False)
    report.status, report.error, report.pages, report.finished_at = ReportStatus.DONE, "", pages, timezone.now()
    report.rendered_version, report.layout = version, layout
    report.save(
        update_fields=["file", "docx_file", "status", "error", "pages", "finished_at", "rendered_version", "layout"]
    )
    for name in old:
        if name not in (report.file.name, report.docx_file.name):
            report.file.storage.delete(name)
    events.document_ready.send(sender=Report, report=report)
    return report

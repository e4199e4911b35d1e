"""The nomination dossiers: building the pack, the papers the nominee uploads, the sending."""

import datetime
import hashlib
import io
import json
import logging
import time
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from awards import services as award_services
from awards.models import Nomination
from common.uploads import inspect_upload
from reports import services as report_services
from reports.enums import DocumentKind, ReportStatus

from . import selectors
from .enums import DossierState, PaperKind
from .models import Dossier, DossierPaper

logger = logging.getLogger(__name__)

ACHIEVEMENT_TEMPLATE = "dossiers/pdf/achievement_report.html"


def _require(user, permission, nomination):
    """The service checks the right itself (a view may have checked it already); None = the system."""
    if user is not None and not user.has_perm(permission, nomination):
        raise PermissionDenied


def _dossier_for_update(nomination):
    dossier, _created = Dossier.objects.get_or_create(nomination=nomination)
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _ensure_not_sent(dossier):
    if dossier.state == DossierState.SENT:
        raise ValidationError(
            _("The dossier was sent on %(day)s (%(reference)s): it no longer changes.")
            % {"day": dossier.sent_on.strftime("%d/%m/%Y"), "reference": dossier.sent_reference}
        )


def _refresh_state(dossier, documents=None):
    """Complete when every checklist item is present; set only while the dossier is not sent."""
    if dossier.state == DossierState.SENT:
        return dossier.state
    checklist = selectors.checklist(dossier.nomination, dossier, documents)
    dossier.state = DossierState.COMPLETE if checklist.complete else DossierState.PREPARING
    return dossier.state


def _submission(nomination, user, documents):
    """The issued submission, else its draft made (again) now and rendered here."""
    if documents.submission is not None:
        return documents.submission
    report = report_services.report_request(
        kind=DocumentKind.SUBMISSION, emulation_year=nomination.emulation_year, user=user, nomination=nomination
    )
    if report.status != ReportStatus.DONE or report.rendered_version < report.version:
        # With a worker the render is queued: the pack needs it now (the render is idempotent).
        report = report_services.report_render(report_id=report.pk) or report
        report.refresh_from_db()
    if report.status != ReportStatus.DONE:
        raise RuntimeError(_("The submission could not be rendered: %(error)s") % {"error": report.error})
    return report


def _ascii(text):
    return text.encode("ascii", "ignore").decode() if text else ""


def _entry(name, title, data, *, report=None, part, file_format):
    return {
        "name": name,
        "title": title,
        "part": part,
        "format": file_format,
        "number_text": report.number_text if report else "",
        "version": report.version if report else None,
        "issued": bool(report and report.issued_at),
        "issued_at": report.issued_at.isoformat() if report and report.issued_at else None,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _report_files(report):
    """(PDF bytes, Word bytes, signed) of a report: its stored files, the PDF being the official
    signed copy when the issued document has one (`signed`); the Word file made from the same
    HTML when the report was rendered before it had one."""
    from signatures.models import SignedCopy

    official = SignedCopy.objects.filter(report=report, is_official=True).first() if report.issued_at else None
    with (official or report).file.open("rb") as handle:
        pdf = handle.read()
    if report.docx_file:
        with report.docx_file.open("rb") as handle:
            word = handle.read()
    else:
        from reports import selectors as report_selectors

        template = report_services.TEMPLATES[report.kind]
        html = report_services.render_html(template, report_selectors.document_context(report))
        word = report_services.render_docx(html)
    return pdf, word, official is not None


def achievement_report_files(nomination):
    """The draft achievement report: (HTML, PDF bytes, Word bytes)."""
    html = report_services.render_html(ACHIEVEMENT_TEMPLATE, selectors.achievement_context(nomination))
    pdf, _pages, _layout = report_services.render_pdf_document(html)
    return html, pdf, report_services.render_docx(html)


def _pack(nomination, documents, submission, certified, built_at):
    """The zip of the dossier and its manifest: each part in PDF and Word, ASCII names."""
    award = nomination.award_type.name
    parts = [
        ("01-to-trinh", f"Tờ trình đề nghị tặng {award}", submission),
        ("02-bao-cao-thanh-tich-du-thao", f"Báo cáo thành tích của tỉnh {nomination.province.name} (dự thảo)", None),
        ("03-bien-ban-hoi-nghi", "Biên bản Hội nghị tổng kết", documents.minutes),
    ]
    for index, (ballot_round, record) in enumerate(documents.rounds, start=1):
        suffix = f"-{index}" if len(documents.rounds) > 1 else ""
        parts.append(
            (f"04-bien-ban-kiem-phieu{suffix}", f"Biên bản kiểm phiếu {award}, vòng {ballot_round.number}", record)
        )
    parts.append(("05-bang-tong-hop-diem", "Bảng tổng hợp điểm", documents.score_summary))
    if documents.score_detail is not None:
        parts.append(("06-bang-diem-chi-tiet", "Bảng điểm chi tiết", documents.score_detail))
    entries, buffer = [], io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for stem, title, report in parts:
            signed = False
            if report is None:
                _html, pdf, word = achievement_report_files(nomination)
            else:
                pdf, word, signed = _report_files(report)
            for data, extension, file_format in ((pdf, "pdf", "PDF"), (word, "docx", "Word")):
                name = f"{stem}.{extension}"
                archive.writestr(name, data)
                entry = _entry(name, title, data, report=report, part=stem, file_format=file_format)
                entry["signed"] = signed and extension == "pdf"  # the official signed copy, not the unsigned PDF
                entries.append(entry)
        if certified is not None:
            with certified.file.open("rb") as handle:
                data = handle.read()
            name = "07-bao-cao-thanh-tich-da-xac-nhan.pdf"
            archive.writestr(name, data)
            entry = _entry(
                name,
                f"Báo cáo thành tích của tỉnh {nomination.province.name} (đã xác nhận)",
                data,
                part="07-bao-cao-thanh-tich-da-xac-nhan",
                file_format="PDF",
            )
            entry["uploaded_at"] = certified.uploaded_at.isoformat()
            entries.append(entry)
        manifest = {
            "cluster": nomination.emulation_year.cluster.name,
            "year": nomination.emulation_year.year,
            "award": award,
            "province": nomination.province.name,
            "built_at": built_at.isoformat(),
            "files": entries,
            "inputs": selectors.pack_inputs(documents, certified),
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue(), manifest


def dossier_build(*, nomination, user=None):
    """Build the dossier's pack: refused with what is missing; otherwise the submission's draft
    is made again (unless issued), the achievement report drafted, and every part zipped in PDF
    and Word with a manifest. A failure keeps the pack built before and records its error, so
    the page shows it and the build can be tried again. A sent dossier is never rebuilt."""
    _require(user, "dossiers.build_dossier", nomination)
    nomination = Nomination.objects.select_related(
        "emulation_year__cluster", "emulation_year__rule_set", "award_type", "province"
    ).get(pk=nomination.pk)
    current = selectors.dossier_of(nomination)
    if current is not None:
        _ensure_not_sent(current)
    documents = selectors.pack_documents(nomination)
    missing = selectors.build_blockers(nomination, documents)
    if missing:
        raise ValidationError([_("The dossier cannot be built yet:"), *missing])
    started = time.monotonic()
    try:
        submission = _submission(nomination, user, documents)
        documents = selectors.pack_documents(nomination)
        certified = selectors.certified_report(current)
        built_at = timezone.now()
        data, manifest = _pack(nomination, documents, submission, certified, built_at)
    except (PermissionDenied, ValidationError):
        raise  # refused (the broker down, a right missing): nothing to record
    except Exception as error:
        logger.exception("Dossier of nomination %s not built", nomination.pk)
        message = _("The pack could not be built: %(error)s") % {"error": str(error)[:500]}
        with transaction.atomic():
            dossier = _dossier_for_update(nomination)
            dossier.build_error, dossier.updated_by = message, user
            dossier.save(update_fields=["build_error", "updated_by", "updated_at"])
        raise ValidationError(message) from error
    with transaction.atomic():
        dossier = _dossier_for_update(nomination)
        _ensure_not_sent(dossier)
        old = dossier.pack.name if dossier.pack else None
        dossier.pack.save(
            f"hoso-{nomination.emulation_year.year}-{_ascii(nomination.province.code)}.zip",
            ContentFile(data),
            save=False,
        )
        dossier.manifest, dossier.built_at, dossier.built_by = manifest, built_at, user
        dossier.build_error, dossier.updated_by = "", user
        _refresh_state(dossier, documents)
        fields = ["pack", "manifest", "built_at", "built_by", "build_error", "updated_by", "state", "updated_at"]
        dossier.save(update_fields=fields)
        if old and old != dossier.pack.name:
            storage = dossier.pack.storage
            transaction.on_commit(lambda: storage.delete(old))
    logger.info("Dossier of nomination %s built in %.1f s", nomination.pk, time.monotonic() - started)
    return dossier


def dossier_paper_upload(*, nomination, upload, kind=PaperKind.CERTIFIED_REPORT, note="", user=None):
    """Add a paper to the dossier (a PDF, checked by its content and size as every upload is,
    `common.uploads.inspect_upload`). A newer paper of the
    same kind is the one in use; the older ones stay. Refused once the dossier is sent."""
    _require(user, "dossiers.upload_paper", nomination)
    if kind not in PaperKind.values:
        raise ValidationError({"kind": _("Choose the kind of paper.")})
    if selectors.submission_blockers(nomination.emulation_year, nomination):
        raise ValidationError(_("Only a nomination the cluster proposed has a dossier."))
    info = inspect_upload(upload, allowed=("pdf",)) if upload is not None else None
    if info is None:
        raise ValidationError({"upload": _("Choose the PDF file.")})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("A note holds at most 500 characters.")})
    upload.seek(0)
    data = upload.read()
    with transaction.atomic():
        dossier = _dossier_for_update(nomination)
        _ensure_not_sent(dossier)
        paper = DossierPaper(
            dossier=dossier,
            kind=kind,
            original_name=info.safe_name,
            size=info.size,
            sha256=hashlib.sha256(data).hexdigest(),
            note=note,
            uploaded_by=user,
        )
        paper.file.save(info.safe_name, ContentFile(data), save=False)
        try:
            paper.save()
            dossier.updated_by = user
            _refresh_state(dossier)
            dossier.save(update_fields=["state", "updated_by", "updated_at"])
        except Exception:
            paper.file.storage.delete(paper.file.name)  # no file without its row
            raise
    return paper


def dossier_submission_issue(*, nomination, user=None):
    """Issue the submission's draft (it keeps its number), then tell the dossier's state."""
    _require(user, "dossiers.build_dossier", nomination)
    documents = selectors.pack_documents(nomination)
    if documents.submission is not None:
        raise ValidationError(_("The submission has already been issued."))
    if documents.submission_draft is None:
        raise ValidationError(_("Build the dossier first: it drafts the submission."))
    report = report_services.report_issue(report=documents.submission_draft, user=user)
    with transaction.atomic():
        dossier = _dossier_for_update(nomination)
        if dossier.state != DossierState.SENT:
            _refresh_state(dossier)
            dossier.save(update_fields=["state", "updated_at"])
    return report


def dossier_mark_sent(*, nomination, sent_on, reference, user=None):
    """Record that the dossier went to the central board (day and reference); only a complete
    dossier, checked again now. The nomination is marked sent on the same day."""
    _require(user, "dossiers.build_dossier", nomination)
    errors = {}
    reference = (reference or "").strip()
    if not isinstance(sent_on, datetime.date):
        errors["sent_on"] = _("Give the day the dossier was sent.")
    elif sent_on > timezone.localdate():
        errors["sent_on"] = _("The day the dossier was sent cannot be in the future.")
    if not reference:
        errors["reference"] = _("Give the reference of the sending (the dispatch number or the system's receipt).")
    elif len(reference) > 100:
        errors["reference"] = _("A reference holds at most 100 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dossier = _dossier_for_update(nomination)
        _ensure_not_sent(dossier)
        checklist = selectors.checklist(nomination, dossier)
        if not checklist.complete:
            raise ValidationError([_("The dossier is not complete yet:"), *[item.label for item in checklist.missing]])
        if dossier.built_at and sent_on < timezone.localdate(dossier.built_at):
            built_on = formats.date_format(timezone.localdate(dossier.built_at), "d/m/Y")
            raise ValidationError(
                {
                    "sent_on": _("The pack was built on %(date)s: the day the dossier was sent cannot be earlier.")
                    % {"date": built_on}
                }
            )
        dossier.state, dossier.sent_on, dossier.sent_reference = DossierState.SENT, sent_on, reference
        dossier.sent_by = dossier.updated_by = user
        dossier.full_clean()
        dossier.save(update_fields=["state", "sent_on", "sent_reference", "sent_by", "updated_by", "updated_at"])
        if nomination.sent_on is None:
            award_services.nomination_record_progress(
                nomination=nomination,
                user=user,
                sent_on=sent_on,
                decision_number=nomination.decision_number,
                decision_date=nomination.decision_date,
                outcome=nomination.outcome,
            )
    return dossier

"""Checking an uploaded file (evidence, a signed scan): its type from its content, its size,
a safe name. A leaf module: it imports no app of the project."""

import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: extension -> content type of what we accept: PDF, images, Word and Excel.
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")  # legacy .doc / .xls


def max_bytes():
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


@dataclass(frozen=True)
class UploadInfo:
    safe_name: str
    extension: str
    content_type: str
    size: int


def safe_filename(name: str, extension: str) -> str:
    """A name safe to show and to send in Content-Disposition: no path, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r'[<>:"/|?*;]+', "_", stem).strip(" ._") or "minh-chung"
    return f"{stem[:120]}.{extension}"


def detect_extension(head: bytes, claimed: str) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        extension = {"jpeg": "jpg"}.get(kind.extension, kind.extension)
        return extension if extension in ALLOWED else None
    if head.startswith(OLE_SIGNATURE):
        return claimed if claimed in ("doc", "xls") else "doc"
    return None


#: What a signed scan may be: a PDF or a picture.
SCANS = ("pdf", "jpg", "png")


def inspect_upload(upload, allowed=tuple(ALLOWED)) -> UploadInfo:
    """Check an uploaded file; ValidationError with a Vietnamese message when refused."""
    size = upload.size
    if size == 0:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": upload.name})
    if size > max_bytes():
        raise ValidationError(
            _("The file %(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    claimed = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    extension = detect_extension(head, claimed)
    if extension is None or extension not in allowed:
        if tuple(allowed) == SCANS:
            message = _("The file %(name)s is not a PDF or an image (JPG, PNG).")
        else:
            message = _("The file %(name)s is not a PDF, an image (JPG, PNG), a Word or an Excel file.")
        raise ValidationError(message % {"name": upload.name})
    if claimed in ALLOWED and {claimed, extension} != {extension} and not {claimed, extension} <= {"doc", "xls"}:
        raise ValidationError(
            _("The file %(name)s does not contain what its name says (its content is %(kind)s).")
            % {"name": upload.name, "kind": extension.upper()}
        )
    return UploadInfo(safe_filename(upload.name, extension), extension, ALLOWED[extension], size)


#: How many evidence files one criterion of a scorecard may hold. Enforced where evidence is
#: stored (`scoring.services`), through `check_evidence_count`.
MAX_EVIDENCE_FILES = 10


def check_evidence_count(*, stored: int, added: int) -> None:
    """Refuse adding `added` files to a criterion that already holds `stored` of them."""
    if added and stored + added > MAX_EVIDENCE_FILES:
        raise ValidationError(
            _(
                "A criterion holds at most %(limit)s evidence files and this one has %(count)s: "
                "remove some before adding more."
            )
            % {"limit": MAX_EVIDENCE_FILES, "count": stored}
        )


class RequestSizeLimitHandler(FileUploadHandler):
    """First of `FILE_UPLOAD_HANDLERS`: refuses a multipart request whose body is larger than
    `settings.UPLOAD_MAX_REQUEST_SIZE` from its Content-Length, before any of it is read or
    written to disk (Django answers 400). The WSGI server never reads past Content-Length, so
    a body cannot be longer than it says. Files within the limit pass on unchanged."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > settings.UPLOAD_MAX_REQUEST_SIZE:
            raise RequestDataTooBig("Upload larger than settings.UPLOAD_MAX_REQUEST_SIZE.")

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None

"""Signed copies of issued documents: verifying a file signed elsewhere (a USB token), signing on
the server with the certificate of the province whose document it is, storing the provinces'
certificates encrypted. A superseded document is no longer signed. A refusal is a
`ValidationError` with its reason and changes nothing: the issued file is never touched and the
official signed copy changes only when a newer valid copy is stored."""

import base64
import hashlib
import io
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import Report

from . import pdf, selectors
from .models import OrganisationCertificate, SignedCopy, Source

logger = logging.getLogger(__name__)

#: The largest signed PDF or PKCS#12 file accepted, and the largest signer or seal image.
MAX_SIGNED_BYTES = 20 * 1024 * 1024
MAX_PKCS12_BYTES = 100 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024

REASONS = {
    "not_pdf": gettext_lazy("The file is not a PDF."),
    "other_document": gettext_lazy(
        "The file is not the issued electronic document %(number)s: a signed copy is the PDF "
        "downloaded from this page with the signature added to it by the signing tool."
    ),
    "no_signature": gettext_lazy("The file carries no digital signature."),
    "broken": gettext_lazy("The file cannot be read as a PDF."),
    "damaged": gettext_lazy("A signature in the file is damaged: it does not match the signed content."),
    "modified": gettext_lazy("The file was changed after it was signed."),
}

NOT_CONFIGURED = gettext_lazy(
    "Server signing is not configured: the server has no SIGNING_KEY to keep certificates encrypted."
)


def signing_configured():
    return bool(settings.SIGNING_KEY)


def _fernet():
    from cryptography.fernet import Fernet

    if not signing_configured():
        raise ValidationError(NOT_CONFIGURED)
    digest = hashlib.sha256(b"signatures.pkcs12:" + settings.SIGNING_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _encrypt(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def _decrypt(token: bytes) -> bytes:
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken as error:
        raise ValidationError(
            _("The stored certificate cannot be decrypted: the server's SIGNING_KEY has changed. Upload it again.")
        ) from error


def trust_roots():
    """The certification authorities of `settings.SIGNATURE_TRUST_ROOTS` (PEM or DER files)."""
    try:
        return pdf.load_trust_roots(settings.SIGNATURE_TRUST_ROOTS)
    except (OSError, ValueError) as error:
        logger.error("Signature trust roots cannot be read: %s", error)
        raise ValidationError(
            _("The trusted certification authorities configured on the server cannot be read.")
        ) from error


def _ensure_signer(report, user):
    from reports.selectors import superseded_mark

    if user is None or not user.has_perm("signatures.sign_document", report):
        raise PermissionDenied(_("Only whoever makes this document may sign it."))
    if not report.is_issued or not report.file:
        raise ValidationError(_("Only an issued document can be signed: issue it first."))
    mark = superseded_mark(report)
    if mark:
        raise ValidationError(
            _(
                "This document is superseded (%(mark)s): it is no longer signed. Sign the document "
                "that replaces it; the signed copies kept stay as they are."
            )
            % {"mark": mark}
        )


def _local(value):
    return formats.date_format(timezone.localtime(value), "d/m/Y H:i") if value else "?"


def describe(*, common_name, signed_at, valid, trusted, covers_document=True, intact=True):
    """The result line of one signature, as the document page shows it."""
    values = {"name": common_name, "time": _local(signed_at)}
    if not intact or not covers_document:
        return _("Digitally signed by %(name)s at %(time)s; changed after signing") % values
    if valid:
        return _("Digitally signed by %(name)s at %(time)s; valid") % values
    if not trusted:
        return (
            _(
                "Digitally signed by %(name)s at %(time)s; not valid (the certificate is not from a "
                "trusted certification authority)"
            )
            % values
        )
    return _("Digitally signed by %(name)s at %(time)s; not valid") % values


def result_lines(copy):
    """One result line per signature of a signed copy, in the active language."""
    return [
        describe(
            common_name=s["common_name"],
            signed_at=pdf.parse_time(s["signed_at"]),
            valid=s["valid"],
            trusted=s["trusted"],
            covers_document=s["covers_document"],
            intact=s["intact"],
        )
        for s in copy.signatures
    ]


REVOCATION_NOTES = {
    "not_checked": gettext_lazy(
        "Whether the certificate was revoked is not checked: the server does not go online to ask, "
        "and the file carries no revocation information."
    ),
    "checked": gettext_lazy("The revocation information carried in the file shows the certificate was not revoked."),
    "unknown": gettext_lazy(
        "The revocation information carried in the file does not settle whether the certificate was revoked."
    ),
    "revoked": gettext_lazy("The revocation information carried in the file shows the certificate was revoked."),
}


def result_notes(copy):
    """What the result lines of a signed copy rest on, in the active language: where each
    signing time comes from (a timestamp token, or only the signer's own tool) and what is known
    of revocation. A signature stored before these were recorded counts as neither."""
    notes = []
    for s in copy.signatures:
        values = {"name": s["common_name"]}
        if s.get("timestamped"):
            note = _("The signing time of %(name)s comes from a timestamp token in the file.") % values
        else:
            note = (
                _(
                    "The signing time of %(name)s is the one the signer's own tool wrote (the file has no "
                    "timestamp token to prove it)."
                )
                % values
            )
        notes.append(note)
        notes.append(str(REVOCATION_NOTES.get(s.get("revocation"), REVOCATION_NOTES["not_checked"])))
    return list(dict.fromkeys(notes))


def _refusal(report, refused):
    reason = REASONS[refused.code] % {"number": report.number_text}
    if refused.verdict is not None and refused.verdict.signatures:
        last = refused.verdict.last
        line = describe(
            common_name=last.common_name,
            signed_at=pdf.parse_time(last.signed_at),
            valid=False,
            trusted=last.trusted,
            covers_document=False,
        )
        reason = f"{line}." if refused.code == "modified" else f"{line}. {reason}"
    return ValidationError(
        _("The signed file was refused: %(reason)s The official copy stays as it was.") % {"reason": reason}
    )


def _verify(report, data):
    with report.file.open("rb") as handle:
        original = handle.read()
    try:
        return pdf.verify(data, original=original, trust_roots=trust_roots(), layout=report.layout)
    except pdf.Refused as refused:
        logger.info("Signed copy of report %s refused: %s %s", report.pk, refused.code, refused.detail)
        raise _refusal(report, refused) from refused


def _store(*, report, data, verdict, source, user, certificate=None):
    """Keep a verified copy; a valid one becomes the official copy (the one before stays kept)."""
    last = verdict.last
    signed_at = pdf.parse_time(last.signed_at)
    copy = SignedCopy(
        report=report,
        sha256=hashlib.sha256(data).hexdigest(),
        source=source,
        signer_subject=last.subject,
        signer_common_name=last.common_name[:300],
        signed_at=signed_at,
        intact=all(s.intact for s in verdict.signatures),
        covers_document=all(s.covers_document for s in verdict.signatures),
        trusted=all(s.trusted for s in verdict.signatures),
        valid=verdict.valid,
        signatures=verdict.as_json(),
        certificate=certificate,
        uploaded_by=user,
        is_official=verdict.valid,
    )
    with translation.override("vi"):  # the record's own words; pages say it in the reader's language
        copy.summary = "\n".join(result_lines(copy))
    with transaction.atomic():
        Report.objects.select_for_update().get(pk=report.pk)  # one official switch at a time
        if SignedCopy.objects.filter(report=report, sha256=copy.sha256).exists():
            raise ValidationError(_("This signed file has already been stored for this document."))
        copy.file.save(f"{report.kind}.pdf", ContentFile(data), save=False)
        try:
            if copy.is_official:
                SignedCopy.objects.filter(report=report, is_official=True).update(is_official=False)
            copy.full_clean(exclude=["file"])
            copy.save()
        except Exception:
            copy.file.storage.delete(copy.file.name)
            raise
    return copy


def signed_copy_upload(*, report, upload, user):
    """Store a PDF signed elsewhere once it is verified: it must be the issued file of `report`
    with signatures added by incremental updates, every signature intact and nothing changed
    after it. A copy whose certificate does not chain to a trust root is kept, shown as not
    valid and never official; any other failure is refused with its reason."""
    _ensure_signer(report, user)
    if upload.size > MAX_SIGNED_BYTES:
        raise ValidationError(
            _("The file %(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(MAX_SIGNED_BYTES)}
        )
    if upload.size == 0:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": upload.name})
    upload.seek(0)
    data = upload.read()
    if not data.startswith(b"%PDF-"):
        raise _refusal(report, pdf.Refused("not_pdf"))
    verdict = _verify(report, data)
    return _store(report=report, data=data, verdict=verdict, source=Source.UPLOAD, user=user)


def _load_certificate(certificate):
    try:
        return pdf.load_signer(_decrypt(certificate.pkcs12), _decrypt(certificate.passphrase) or None)
    except ValueError as error:
        raise ValidationError(_("The stored certificate cannot be opened with its passphrase.")) from error


def _read(field):
    if not field:
        return None
    with field.open("rb") as handle:
        return handle.read()


def report_sign_on_server(*, report, user):
    """Sign the issued document with the active certificate of the province whose document it is
    (`selectors.owner_province_id`; an admin signs with that certificate too), stamping the
    signer's image and the seal into the signature space (annex I §7–8), or invisibly when the
    document has none; signs the official copy when there is one, so the signatures it carries
    stay. The result is verified like an upload and, valid, becomes the official copy. A failure
    is refused with its reason (a signing error in general words, the error itself in the log);
    nothing changes."""
    _ensure_signer(report, user)
    certificate = selectors.certificate_for(report)
    if certificate is None:
        raise ValidationError(no_certificate_message(report))
    if certificate.not_valid_after <= timezone.now():
        raise ValidationError(
            _("The certificate %(label)s expired on %(date)s.")
            % {"label": certificate.label, "date": _local(certificate.not_valid_after)}
        )
    signer = _load_certificate(certificate)
    official = selectors.official_copy(report)
    base = _read(official.file) if official else _read(report.file)
    try:
        data = pdf.sign(
            base,
            signer=signer,
            layout=report.layout,
            signer_png=_read(certificate.signer_image),
            seal_png=_read(certificate.seal_image),
            location=report.emulation_year.cluster.name,
        )
    except Exception as error:
        logger.warning("Server signature of report %s failed", report.pk, exc_info=True)
        raise ValidationError(
            _(
                "The document could not be signed on the server. Nothing was changed; try again, and "
                "if it fails again, tell the administrator."
            )
        ) from error
    verdict = _verify(report, data)
    if not verdict.valid:
        raise ValidationError(
            _("The server's signature does not verify: %(result)s. Nothing was changed.")
            % {
                "result": describe(
                    common_name=verdict.last.common_name,
                    signed_at=pdf.parse_time(verdict.last.signed_at),
                    valid=False,
                    trusted=verdict.last.trusted,
                )
            }
        )
    return _store(report=report, data=data, verdict=verdict, source=Source.SERVER, user=user, certificate=certificate)


def no_certificate_message(report):
    """Why the server cannot sign `report`: whose certificate is missing."""
    from provinces.models import Province

    province_id = selectors.owner_province_id(report)
    province = Province.objects.filter(pk=province_id).first() if province_id else None
    if province is None:
        return _("Nobody owns this document yet (the year's term is not confirmed): the server cannot sign it.")
    return _(
        "%(province)s, whose document this is, has no active signing certificate: its staff store it on "
        "the certificates page."
    ) % {"province": province.name}


def _png(upload, label):
    from PIL import Image, UnidentifiedImageError

    if upload is None:
        raise ValidationError(_("Choose the %(image)s (a PNG file).") % {"image": label})
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The %(image)s is %(size)s; the limit is %(limit)s.")
            % {"image": label, "size": filesizeformat(upload.size), "limit": filesizeformat(MAX_IMAGE_BYTES)}
        )
    upload.seek(0)
    data = upload.read()
    try:
        image = Image.open(io.BytesIO(data))
        image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("The %(image)s is not a PNG picture.") % {"image": label}) from error
    if image.format != "PNG":
        raise ValidationError(_("The %(image)s is not a PNG picture.") % {"image": label})
    return data


def _blank_pdf():
    """A one-page empty A4 PDF, for a trial signature."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject(map(generic.FloatObject, (0, 0, *pdf.A4))),
            generic.pdf_name("/Resources"): generic.DictionaryObject(),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def certificate_store(*, cluster, user, label, pkcs12_file, passphrase, signer_image, seal_image, province=None):
    """Keep a province's certificate encrypted, after opening it with its passphrase and making a
    trial signature that must verify against the trust roots; it replaces that province's active
    one (kept, inactive). The province is the user's own; an admin names it (`province`, one of
    the cluster's). Errors are keyed by form field."""
    if user is None or not user.has_perm("signatures.manage_certificates", cluster):
        raise PermissionDenied
    if not signing_configured():
        raise ValidationError(NOT_CONFIGURED)
    errors = {}
    if not user.is_superuser:
        province = user.province
    elif province is None or province.pk not in selectors.cluster_province_ids(cluster):
        errors["province"] = _("Choose the province whose certificate this is.")
    if not label.strip():
        errors["label"] = _("Give the certificate a name.")
    data = b""
    if pkcs12_file is None or pkcs12_file.size == 0:
        errors["pkcs12_file"] = _("Choose the certificate file (.p12 or .pfx).")
    elif pkcs12_file.size > MAX_PKCS12_BYTES:
        errors["pkcs12_file"] = _("The certificate file is too large for a PKCS#12 file.")
    else:
        pkcs12_file.seek(0)
        data = pkcs12_file.read()
    images = {}
    for field, upload, name in (
        ("signer_image", signer_image, _("signer's image")),
        ("seal_image", seal_image, _("seal image")),
    ):
        try:
            images[field] = _png(upload, name)
        except ValidationError as error:
            errors[field] = error.messages
    signer = None
    if data:
        try:
            signer = pdf.load_signer(data, passphrase.encode() if passphrase else None)
        except ValueError:
            errors["passphrase"] = _(
                "The certificate cannot be opened: the passphrase is wrong or the file is not a PKCS#12 certificate."
            )
    if errors:
        raise ValidationError(errors)
    subject, common_name, not_after = pdf.certificate_facts(signer)
    if not_after <= timezone.now():
        raise ValidationError({"pkcs12_file": _("The certificate expired on %(date)s.") % {"date": _local(not_after)}})
    blank = _blank_pdf()
    trial = pdf.verify(pdf.sign(blank, signer=signer, layout={}), original=blank, trust_roots=trust_roots())
    if not trial.valid:
        raise ValidationError(
            {"pkcs12_file": _("The certificate is not issued by a trusted certification authority of the server.")}
        )
    certificate = OrganisationCertificate(
        cluster=cluster,
        province=province,
        label=label.strip()[:200],
        pkcs12=_encrypt(data),
        passphrase=_encrypt((passphrase or "").encode()),
        subject=subject,
        common_name=common_name[:300],
        not_valid_after=not_after,
        uploaded_by=user,
        active=True,
    )
    with transaction.atomic():
        OrganisationCertificate.objects.select_for_update().filter(province=province, active=True).update(active=False)
        certificate.signer_image.save("signer.png", ContentFile(images["signer_image"]), save=False)
        certificate.seal_image.save("seal.png", ContentFile(images["seal_image"]), save=False)
        certificate.save()
    return certificate


def certificate_deactivate(*, certificate, user):
    """Stop using a certificate for server signing; it is kept (signed copies name it)."""
    if user is None or not user.has_perm("signatures.manage_certificate", certificate):
        raise PermissionDenied
    with transaction.atomic():
        certificate = OrganisationCertificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.active:
            certificate.active = False
            certificate.save(update_fields=["active"])
    return certificate

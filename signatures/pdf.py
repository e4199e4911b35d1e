"""Signed PDFs without the ORM: verifying the signatures of a file against the issued document it
must extend, and signing a document with a stamp (annex I §7–8 of decree 30/2020). Bytes in,
plain values out; pyHanko is imported inside the functions (it is slow to import)."""

import datetime
import io
import uuid
from dataclasses import asdict, dataclass, field

#: A4 in PDF points, for a document whose layout does not say its page size.
A4 = (595.28, 841.89)
PX_TO_PT = 0.75  # CSS px are 1/96 in, PDF points 1/72 in
MM_TO_PT = 72 / 25.4
#: The true size of a round seal (36 mm is the common diameter of an organisation's seal).
SEAL_DIAMETER_PT = 36 * MM_TO_PT
#: The right margin of a document (decree 30/2020: 15–20 mm), when the layout gives no width.
RIGHT_MARGIN_PT = 20 * MM_TO_PT


class Refused(Exception):
    """The file is not a signed copy of the document; `code` says why (see `services.REASONS`)."""

    def __init__(self, code, detail="", verdict=None):
        super().__init__(code, detail)
        self.code, self.detail, self.verdict = code, detail, verdict


@dataclass
class SignatureResult:
    field: str
    subject: str
    common_name: str
    signed_at: str | None  # ISO 8601, timezone-aware
    intact: bool
    covers_document: bool
    trusted: bool

    @property
    def valid(self):
        return self.intact and self.covers_document and self.trusted


@dataclass
class Verdict:
    signatures: list[SignatureResult] = field(default_factory=list)

    @property
    def last(self):
        return self.signatures[-1]

    @property
    def valid(self):
        return bool(self.signatures) and all(s.valid for s in self.signatures)

    def as_json(self):
        return [asdict(s) | {"valid": s.valid} for s in self.signatures]


def _common_name(name):
    for attribute, value in name.native.items():
        if attribute == "common_name":
            return value if isinstance(value, str) else ", ".join(value)
    return name.human_friendly


def load_trust_roots(pem_paths):
    """The certificates of the PEM (or DER) files named, as asn1crypto certificates."""
    from pyhanko.keys import load_certs_from_pemder

    return list(load_certs_from_pemder(list(pem_paths))) if pem_paths else []


def verify(data: bytes, *, original: bytes, trust_roots) -> Verdict:
    """Check that `data` is `original` (the issued PDF, unsigned) followed by incremental updates
    that only sign it, and validate every signature. Raises `Refused` when the file is broken,
    is another document, holds no signature, a signature is damaged, or the content was changed
    (before or after signing); an untrusted certificate is not a refusal: its result says so."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not data.startswith(b"%PDF-"):
        raise Refused("not_pdf")
    if not original or not data.startswith(original) or len(data) == len(original):
        if len(data) == len(original) and data == original:
            raise Refused("no_signature")
        raise Refused("other_document")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as error:  # whatever a malformed file breaks, it is refused
        raise Refused("broken", str(error)[:200]) from error
    if not signatures:
        raise Refused("no_signature")
    verdict = Verdict()
    for embedded in signatures:
        context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False)
        try:
            status = validate_pdf_signature(embedded, context)
        except Exception as error:  # a signature pyHanko cannot even parse
            raise Refused("damaged", str(error)[:200]) from error
        if not status.intact or not status.valid:
            raise Refused("damaged")
        if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
            covers = True
        else:
            covers = status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and bool(status.docmdp_ok)
        when = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
        cert = status.signing_cert
        verdict.signatures.append(
            SignatureResult(
                field=embedded.field_name,
                subject=cert.subject.human_friendly,
                common_name=_common_name(cert.subject),
                signed_at=when.isoformat() if when else None,
                intact=True,
                covers_document=covers,
                trusted=bool(status.trusted),
            )
        )
    last_range = signatures[-1].byte_range
    trailing = data[last_range[2] + last_range[3] :].strip()  # bytes no signature covers
    if trailing or not all(s.covers_document for s in verdict.signatures):
        for result in verdict.signatures:
            result.covers_document = result.covers_document and not trailing
        raise Refused("modified", verdict=verdict)
    # The issued document is the file's first revision(s): everything after it must be signing.
    try:
        base_revision = PdfFileReader(io.BytesIO(original), strict=False).xrefs.total_revisions - 1
    except Exception as error:  # whatever a malformed file breaks, it is refused
        raise Refused("broken", str(error)[:200]) from error
    try:
        unchanged = _only_signing_added(reader, base_revision)
    except Exception as error:  # whatever a malformed update breaks
        raise Refused("broken", str(error)[:200]) from error
    if not unchanged:
        for result in verdict.signatures:
            result.covers_document = False
        raise Refused("modified", verdict=verdict)
    return verdict


#: What an update that only signs may change in the catalog and in a page of the issued document.
CATALOG_SIGNING_KEYS = {"/AcroForm", "/Version", "/DSS", "/Perms", "/Extensions", "/Metadata", "/NeedsRendering"}
PAGE_SIGNING_KEYS = {"/Annots"}


def _same(a, b):
    """Two PDF objects written alike, references compared as references (not followed)."""
    from pyhanko.pdf_utils import generic

    if isinstance(a, generic.IndirectObject) or isinstance(b, generic.IndirectObject):
        return (
            isinstance(a, generic.IndirectObject)
            and isinstance(b, generic.IndirectObject)
            and a.reference == b.reference
        )
    if isinstance(a, generic.DictionaryObject) and isinstance(b, generic.DictionaryObject):
        return a.keys() == b.keys() and all(_same(a.raw_get(k), b.raw_get(k)) for k in a)
    if isinstance(a, generic.ArrayObject) and isinstance(b, generic.ArrayObject):
        return len(a) == len(b) and all(_same(a.raw_get(i), b.raw_get(i)) for i in range(len(a)))
    if isinstance(a, generic.StreamObject) or isinstance(b, generic.StreamObject):
        return False  # a stream of the issued document written again is a change
    return type(a) is type(b) and a == b


def _only_signing_added(reader, base_revision):
    """True when the revisions after `base_revision` (the issued document) rewrite none of its
    objects except the catalog, the document information and pages, and those only to add a
    signature: the catalog gains its form, a page gains widget annotations, nothing else moves.
    Objects the updates add (signature fields, their appearance) cannot change what the issued
    document shows unless an existing object points to them, which this forbids."""
    from pyhanko.pdf_utils import generic

    base = reader.get_historical_resolver(base_revision)
    original_refs = set()
    for revision in range(base_revision + 1):
        original_refs |= reader.xrefs.explicit_refs_in_revision(revision)
    info = base.trailer_view.raw_get("/Info") if "/Info" in base.trailer_view else None
    info_ref = info.reference if isinstance(info, generic.IndirectObject) else None
    root_ref = base.root_ref
    for revision in range(base_revision + 1, reader.xrefs.total_revisions):
        current = reader.get_historical_resolver(revision)
        if current.root_ref != root_ref:
            return False
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            if ref not in original_refs or ref == info_ref:
                continue
            old, new = base.get_object(ref), current.get_object(ref)
            if not isinstance(old, generic.DictionaryObject) or not isinstance(new, generic.DictionaryObject):
                return False
            if ref == root_ref:
                allowed = CATALOG_SIGNING_KEYS
            elif old.get("/Type") == "/Page":
                allowed = PAGE_SIGNING_KEYS
                if not _only_widgets_added(old, new):
                    return False
            else:
                return False
            keys = (old.keys() | new.keys()) - allowed
            if not all(k in old and k in new and _same(old.raw_get(k), new.raw_get(k)) for k in keys):
                return False
    return True


def _raw_items(page):
    annots = page.get("/Annots")
    return [annots.raw_get(i) for i in range(len(annots))] if annots else []


def _only_widgets_added(old_page, new_page):
    """The page keeps its annotations in order and adds only widgets (signature fields)."""
    old, new = _raw_items(old_page), _raw_items(new_page)
    if len(new) < len(old) or not all(_same(a, b) for a, b in zip(old, new, strict=False)):
        return False
    return all(item.get_object().get("/Subtype") == "/Widget" for item in new[len(old) :])


def stamp_image(*, signer_png: bytes | None, seal_png: bytes | None, height_pt: float, scale: float = 3.0):
    """One transparent picture (PIL image) and its size in points: the signer's image centred,
    the seal at its true size overlapping about a third of the signature on its left. Returns
    (image, width_pt, height_pt, signature_centre_x_pt) with x measured from the image's left."""
    from PIL import Image

    signature = Image.open(io.BytesIO(signer_png)).convert("RGBA") if signer_png else None
    seal = Image.open(io.BytesIO(seal_png)).convert("RGBA") if seal_png else None
    sig_h = max(height_pt, 20.0)
    sig_w = sig_h * signature.width / signature.height if signature else sig_h * 2
    seal_d = SEAL_DIAMETER_PT if seal else 0.0
    seal_w = seal_d * seal.width / seal.height if seal else 0.0
    # x from the seal's left edge: the seal's right edge lies a third into the signature.
    sig_left = max(seal_w - sig_w / 3, 0.0)
    width = max(sig_left + sig_w, seal_w)
    height = max(sig_h, seal_d)
    canvas = Image.new("RGBA", (round(width * scale), round(height * scale)), (0, 0, 0, 0))
    if signature:
        resized = signature.resize((round(sig_w * scale), round(sig_h * scale)), Image.LANCZOS)
        canvas.alpha_composite(resized, (round(sig_left * scale), round((height - sig_h) / 2 * scale)))
    if seal:
        resized = seal.resize((round(seal_w * scale), round(seal_d * scale)), Image.LANCZOS)
        canvas.alpha_composite(resized, (0, round((height - seal_d) / 2 * scale)))
    return canvas, width, height, sig_left + sig_w / 2


def stamp_box(layout, page_count, stamp_width, stamp_height, centre_x):
    """(page index, (x1, y1, x2, y2) in PDF points from the bottom-left) of the stamp: centred on
    the blank space between the signer's post and name when the layout has one (CSS px from the
    top-left), else at the bottom right of the last page."""
    space = (layout or {}).get("signature")
    if space:
        page_w = space.get("page_width", A4[0] / PX_TO_PT) * PX_TO_PT
        page_h = space.get("page_height", A4[1] / PX_TO_PT) * PX_TO_PT
        x, y = space["x"] * PX_TO_PT, space["y"] * PX_TO_PT
        width = space["width"] * PX_TO_PT if space.get("width") else max(page_w - RIGHT_MARGIN_PT - x, stamp_width)
        middle_y = page_h - (y + space.get("height", 0) * PX_TO_PT / 2)
        left = x + width / 2 - centre_x
        page = min(int(space.get("page", page_count - 1)), page_count - 1)
    else:
        page_w, _page_h = A4
        left = page_w - RIGHT_MARGIN_PT - stamp_width
        middle_y = 25 * MM_TO_PT + stamp_height / 2
        page = page_count - 1
    bottom = middle_y - stamp_height / 2
    return page, (round(left), round(bottom), round(left + stamp_width), round(bottom + stamp_height))


def load_signer(pkcs12: bytes, passphrase: bytes | None):
    """A pyHanko signer from PKCS#12 data; ValueError when the passphrase or the data is wrong."""
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=[], passphrase=passphrase or None)
    except Exception as error:
        raise ValueError(str(error)) from error
    if signer is None or signer.signing_cert is None:
        raise ValueError("no key")
    return signer


def certificate_facts(signer):
    """(subject, common name, not valid after) of a signer's certificate."""
    cert = signer.signing_cert
    not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    return cert.subject.human_friendly, _common_name(cert.subject), not_after


def sign(data: bytes, *, signer, layout, signer_png=None, seal_png=None, reason="", location="") -> bytes:
    """`data` signed with `signer` in an incremental update (the bytes before stay as they are),
    with a visible stamp placed by `stamp_box`."""
    from pyhanko.pdf_utils import layout as pdf_layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page_count = int(writer.root["/Pages"]["/Count"])
    space = (layout or {}).get("signature") or {}
    height = space.get("height", 0) * PX_TO_PT or 50.0
    image, width_pt, height_pt, centre_x = stamp_image(signer_png=signer_png, seal_png=seal_png, height_pt=height)
    page, box = stamp_box(layout, page_count, width_pt, height_pt, centre_x)
    name = f"CTD-{uuid.uuid4().hex[:12]}"
    style = StaticStampStyle(
        background=PdfImage(image),
        border_width=0,
        background_opacity=1.0,
        background_layout=pdf_layout.SimpleBoxLayoutRule(
            x_align=pdf_layout.AxisAlignment.ALIGN_MID,
            y_align=pdf_layout.AxisAlignment.ALIGN_MID,
            margins=pdf_layout.Margins.uniform(0),
            inner_content_scaling=pdf_layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )
    meta = signers.PdfSignatureMetadata(field_name=name, reason=reason or None, location=location or None)
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=name, on_page=page, box=box),
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


def parse_time(value):
    return datetime.datetime.fromisoformat(value) if value else None

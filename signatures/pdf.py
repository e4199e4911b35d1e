"""Signed PDFs without the ORM: verifying the signatures of a file against the issued document it
must extend, and signing a document with a stamp (annex I §7–8 of decree 30/2020). Bytes in,
plain values out; pyHanko is imported inside the functions (it is slow to import)."""

import datetime
import io
import math
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
    #: `signed_at` comes from a timestamp token of the signature (else from the signer's tool).
    timestamped: bool = False
    #: "checked" (revocation information embedded in the file says the certificate stands),
    #: "revoked", "unknown" (embedded but not conclusive) or "not_checked" (none embedded: the
    #: server does not go online to ask).
    revocation: str = "not_checked"

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


def verify(data: bytes, *, original: bytes, trust_roots, layout=None) -> Verdict:
    """Check that `data` is `original` (the issued PDF, unsigned) followed by incremental updates
    that only sign it, and validate every signature. Raises `Refused` when the file is broken,
    is another document, holds no signature, a signature is damaged, or the content was changed
    (before or after signing), or a stamp lies outside the signature space of `layout` (the
    issued document's `Report.layout`; without one only invisible signatures pass); an untrusted
    certificate is not a refusal: its result says so."""
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
        stamp = status.timestamp_validity
        timestamped = bool(stamp is not None and stamp.intact and stamp.valid)
        when = stamp.timestamp if timestamped else status.signer_reported_dt
        revocation = _revocation(reader, embedded, trust_roots) if status.trusted else "not_checked"
        cert = status.signing_cert
        verdict.signatures.append(
            SignatureResult(
                field=embedded.field_name,
                subject=cert.subject.human_friendly,
                common_name=_common_name(cert.subject),
                signed_at=when.isoformat() if when else None,
                intact=True,
                covers_document=covers,
                trusted=bool(status.trusted) and revocation != "revoked",
                timestamped=timestamped,
                revocation=revocation,
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
        signature_refs = {_ref_of(s.sig_field.raw_get("/V")) for s in signatures}
        _only_signing_added(reader, base_revision, signature_refs - {None}, signature_space(layout))
    except _Changed as change:
        for result in verdict.signatures:
            result.covers_document = False
        raise Refused("modified", str(change), verdict=verdict) from change
    except Exception as error:  # whatever a malformed update breaks
        raise Refused("broken", str(error)[:200]) from error
    return verdict


def _embedded_revocation_info(reader, embedded):
    """(CRLs, OCSP responses) the file carries: in the signature (Adobe's revocation archive
    attribute) and in the document security store."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp

    crls, ocsps = [], []
    for attribute in embedded.signer_info["signed_attrs"]:
        if attribute["type"].native == "adobe_revocation_info_archival":
            for archive in attribute["values"]:
                crls += list(archive["crl"] or [])
                ocsps += list(archive["ocsp"] or [])
    dss = reader.root.get("/DSS") if "/DSS" in reader.root else None
    if dss is not None:
        crls += [asn1_crl.CertificateList.load(item.get_object().data) for item in dss.get("/CRLs", [])]
        ocsps += [asn1_ocsp.OCSPResponse.load(item.get_object().data) for item in dss.get("/OCSPs", [])]
    return crls, ocsps


def _revocation(reader, embedded, trust_roots):
    """Whether the certificate was revoked, by the revocation information embedded in the file
    only (nothing is fetched): see `SignatureResult.revocation`."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        crls, ocsps = _embedded_revocation_info(reader, embedded)
    except Exception:  # unreadable revocation data settles nothing
        return "unknown"
    if not crls and not ocsps:
        return "not_checked"
    context = ValidationContext(
        trust_roots=list(trust_roots), allow_fetching=False, revocation_mode="require", crls=crls, ocsps=ocsps
    )
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception:
        return "unknown"
    if status.revoked:
        return "revoked"
    return "checked" if status.trusted else "unknown"


#: What an update that only signs may add to the catalog of the issued document (the signing
#: tool's form, its validation data, the PDF version and extensions it needs, a new XMP packet).
CATALOG_SIGNING_KEYS = {"/AcroForm", "/DSS", "/Extensions", "/Version", "/Metadata"}
ACROFORM_SIGNING_KEYS = {"/Fields", "/SigFlags", "/DA", "/DR"}
#: Entries a signature widget may not carry: actions, optional content (shown or hidden at will).
FORBIDDEN_WIDGET_KEYS = {"/A", "/AA", "/OC"}
#: Around the signature space, what a signing tool's stamp may overflow (6 mm each side).
SPACE_TOLERANCE_PT = 6 * MM_TO_PT


def signature_space(layout):
    """(page index, (x1, y1, x2, y2) in PDF points from the bottom-left) where a signature's stamp
    may lie: the layout's signature space (CSS px from the top-left), at least a seal's height
    (the seal overlaps the signature at its true size), enlarged by `SPACE_TOLERANCE_PT`; None
    when the layout has no signature space."""
    space = (layout or {}).get("signature")
    if not space:
        return None
    page_w = space.get("page_width", A4[0] / PX_TO_PT) * PX_TO_PT
    page_h = space.get("page_height", A4[1] / PX_TO_PT) * PX_TO_PT
    x1 = space["x"] * PX_TO_PT
    x2 = x1 + space["width"] * PX_TO_PT if space.get("width") else page_w - RIGHT_MARGIN_PT
    top = page_h - space["y"] * PX_TO_PT
    bottom = top - space.get("height", 0) * PX_TO_PT
    grow = max(SEAL_DIAMETER_PT - (top - bottom), 0) / 2
    t = SPACE_TOLERANCE_PT
    return int(space.get("page", 0)), (x1 - t, bottom - grow - t, x2 + t, top + grow + t)


class _Changed(Exception):
    """An update after the issued document does more than sign it (the message says what)."""


def _ref_of(value):
    from pyhanko.pdf_utils import generic

    return value.reference if isinstance(value, generic.IndirectObject) else None


def _page_refs(resolver):
    """The references of the page objects of a revision, in order (the page tree walked)."""
    from pyhanko.pdf_utils import generic

    pages, seen = [], set()

    def walk(node_ref, depth):
        if depth > 64 or node_ref in seen:
            raise _Changed("page tree")
        seen.add(node_ref)
        node = node_ref.get_object()
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            kids = node["/Kids"]
            for i in range(len(kids)):
                kid = kids.raw_get(i)
                if not isinstance(kid, generic.IndirectObject):
                    raise _Changed("direct page")
                walk(kid, depth + 1)
        else:
            pages.append(node_ref.reference)

    walk(resolver.root.raw_get("/Pages"), 0)
    return pages


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


def _only_signing_added(reader, base_revision, signature_refs, space):
    """Raise `_Changed` unless every revision after `base_revision` (the issued document) only
    signs it. Objects are told apart by number, not by (number, generation): no later revision
    may write or free an object number of the issued document, except its catalog (which may
    only gain a signature form and validation data), its pages (whose annotations may only
    gain signature widgets) and its document information. A widget added must be the signature
    field of one of the file's signatures, without actions or optional content, invisible or
    inside the signature space (`space`, see `signature_space`; without one, only invisible
    signatures pass)."""
    from pyhanko.pdf_utils import generic

    base = reader.get_historical_resolver(base_revision)
    original_numbers = set()
    for revision in range(base_revision + 1):
        original_numbers |= {ref.idnum for ref in reader.xrefs.explicit_refs_in_revision(revision)}
    root_ref = base.root_ref
    info_ref = _ref_of(base.trailer_view.raw_get("/Info")) if "/Info" in base.trailer_view else None
    base_pages = _page_refs(base)
    old_annots = {ref: _annot_refs(base.get_object(ref)) for ref in base_pages}
    allowed = {root_ref, *base_pages}
    if info_ref is not None:
        allowed.add(info_ref)
    for ref in base_pages:  # a page's /Annots array kept as an object of its own grows in place
        annots = base.get_object(ref).raw_get("/Annots") if "/Annots" in base.get_object(ref) else None
        if _ref_of(annots) is not None:
            allowed.add(_ref_of(annots))
    old_fields = set()
    for revision in range(base_revision + 1, reader.xrefs.total_revisions):
        for ref in reader.xrefs.refs_freed_in_revision(revision):
            if ref.idnum in original_numbers:
                raise _Changed(f"object {ref.idnum} freed")
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            if ref.idnum in original_numbers and ref not in allowed:
                raise _Changed(f"object {ref.idnum} {ref.generation} rewritten")
        current = reader.get_historical_resolver(revision)
        if info_ref is not None and not isinstance(current.get_object(info_ref), generic.DictionaryObject):
            raise _Changed("document information")
        if current.root_ref != root_ref:
            raise _Changed("root")
        if _page_refs(current) != base_pages:
            raise _Changed("pages")
        old_fields = _check_catalog(base.root, current.root, old_fields)
        final = revision == reader.xrefs.total_revisions - 1
        for index, ref in enumerate(base_pages):
            old, new = base.get_object(ref), current.get_object(ref)
            if not isinstance(new, generic.DictionaryObject):
                raise _Changed("page")
            keys = (old.keys() | new.keys()) - {"/Annots"}
            if not all(k in old and k in new and _same(old.raw_get(k), new.raw_get(k)) for k in keys):
                raise _Changed(f"page {index}")
            before, after = old_annots[ref], _annot_refs(new)
            if after[: len(before)] != before:
                raise _Changed(f"annotations of page {index}")
            for widget_ref in after[len(before) :]:
                if widget_ref is None or widget_ref.idnum in original_numbers:
                    raise _Changed(f"annotation of page {index}")
                _check_widget(widget_ref.get_object(), index, ref, space, signature_refs if final else None)
    return True


def _annot_refs(page):
    """The references of a page's annotations (None for one written directly in the array)."""
    annots = page.get("/Annots") if "/Annots" in page else None
    return [_ref_of(annots.raw_get(i)) for i in range(len(annots))] if annots else []


def _check_catalog(old, new, old_fields):
    """The catalog gains only `CATALOG_SIGNING_KEYS`; its form holds signature fields only, keeps
    every field of the revision before (`old_fields`) and asks for no rendering of its own.
    Returns the fields of this revision."""
    for key in old.keys() | new.keys():
        if key in old and key in new and _same(old.raw_get(key), new.raw_get(key)):
            continue
        if key in old or key not in CATALOG_SIGNING_KEYS:
            raise _Changed(f"catalog {key}")
    if "/NeedsRendering" in new:
        raise _Changed("catalog /NeedsRendering")
    if "/AcroForm" not in new:
        if old_fields:
            raise _Changed("form removed")
        return set()
    form = new["/AcroForm"]
    if set(form.keys()) - ACROFORM_SIGNING_KEYS or "/XFA" in form:
        raise _Changed("form keys")
    if form.get("/NeedAppearances", False):
        raise _Changed("/NeedAppearances")
    fields = form.get("/Fields", [])
    refs = [_ref_of(fields.raw_get(i)) for i in range(len(fields))]
    if None in refs or not old_fields <= set(refs):
        raise _Changed("form fields")
    for ref in set(refs) - old_fields:
        if _field_of(ref.get_object()).get("/FT") != "/Sig":
            raise _Changed("form field not a signature")
    return set(refs)


def _field_of(widget):
    """The field a widget belongs to: itself when merged with it, else its parent."""
    if "/FT" in widget or "/Parent" not in widget:
        return widget
    return widget["/Parent"]


def _check_widget(widget, page_index, page_ref, space, signature_refs):
    """A signature widget, invisible or inside the signature space of its page; in the last
    revision (`signature_refs` given) its value is one of the file's signatures."""
    from pyhanko.pdf_utils import generic

    if not isinstance(widget, generic.DictionaryObject) or widget.get("/Subtype") != "/Widget":
        raise _Changed("annotation not a widget")
    field_dict = _field_of(widget)
    if field_dict.get("/FT") != "/Sig":
        raise _Changed("widget not a signature")
    for item in (widget, field_dict):
        if FORBIDDEN_WIDGET_KEYS & set(item.keys()):
            raise _Changed("widget action or optional content")
    if signature_refs is not None:
        value = _ref_of(field_dict.raw_get("/V")) if "/V" in field_dict else None
        if value is None or value not in signature_refs:
            raise _Changed("widget not of a signature of the file")
    if "/P" in widget and _ref_of(widget.raw_get("/P")) != page_ref:
        raise _Changed("widget of another page")
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    x1, x2 = sorted((x1, x2))
    y1, y2 = sorted((y1, y2))
    if x2 - x1 <= 0 or y2 - y1 <= 0:
        return  # invisible
    if space is None:
        raise _Changed("visible signature without a signature space")
    space_page, (sx1, sy1, sx2, sy2) = space
    if page_index != space_page or x1 < sx1 or y1 < sy1 or x2 > sx2 or y2 > sy2:
        raise _Changed("signature outside the signature space")


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


def fit_inside(box, zone, margin=1.0):
    """`box` moved (and, when larger, scaled down keeping its proportions) to lie inside `zone`
    (both (x1, y1, x2, y2)): a stamp `verify` accepts on a narrow signature column."""
    x1, y1, x2, y2 = box
    zx1, zy1, zx2, zy2 = zone[0] + margin, zone[1] + margin, zone[2] - margin, zone[3] - margin
    scale = min(1.0, (zx2 - zx1) / (x2 - x1), (zy2 - zy1) / (y2 - y1))
    width, height = (x2 - x1) * scale, (y2 - y1) * scale
    cx = min(max((x1 + x2) / 2, zx1 + width / 2), zx2 - width / 2)
    cy = min(max((y1 + y2) / 2, zy1 + height / 2), zy2 - height / 2)
    return (
        math.ceil(cx - width / 2),
        math.ceil(cy - height / 2),
        math.floor(cx + width / 2),
        math.floor(cy + height / 2),
    )


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
    with a visible stamp placed by `stamp_box` on the layout's signature space; a document
    without a signature space gets an invisible signature (a stamp anywhere else could cover
    its text, and `verify` refuses one)."""
    from pyhanko.pdf_utils import layout as pdf_layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page_count = int(writer.root["/Pages"]["/Count"])
    space = (layout or {}).get("signature") or {}
    name = f"CTD-{uuid.uuid4().hex[:12]}"
    meta = signers.PdfSignatureMetadata(field_name=name, reason=reason or None, location=location or None)
    if not space:
        pdf_signer = signers.PdfSigner(
            meta, signer=signer, new_field_spec=fields.SigFieldSpec(sig_field_name=name, on_page=page_count - 1)
        )
    else:
        height = space.get("height", 0) * PX_TO_PT or 50.0
        image, width_pt, height_pt, centre_x = stamp_image(signer_png=signer_png, seal_png=seal_png, height_pt=height)
        page, box = stamp_box(layout, page_count, width_pt, height_pt, centre_x)
        box = fit_inside(box, signature_space(layout)[1])
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

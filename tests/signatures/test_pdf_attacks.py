"""Signed files whose signatures are intact but whose pages show something other than the issued
document, or that redefine its objects: `signatures.pdf.verify` refuses them all, and still
accepts what a signing tool really writes (an invisible signature, a stamp on the signature
space). Bytes only, no database: a small PDF of the tests' own."""

import io

import pytest

from signatures import pdf
from tests.signatures import pki

#: The issued document's signature space, in CSS px from the top-left of an A4 page.
LAYOUT = {
    "signature": {"page": 0, "x": 400, "y": 600, "width": 300, "height": 76, "page_width": 793.7, "page_height": 1122.5}
}
PAGE = (0, 0, 595, 842)


@pytest.fixture(scope="module")
def authority():
    return pki.make_authority()


@pytest.fixture(scope="module")
def holder(authority):
    return pki.make_holder(authority, "Nguyễn Văn An")


@pytest.fixture(scope="module")
def roots(authority):
    from asn1crypto import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return [x509.Certificate.load(authority.cert.public_bytes(Encoding.DER))]


@pytest.fixture(scope="module")
def original():
    from weasyprint import HTML

    return HTML(string="<p>Tổng điểm: 95,5</p><p>Xếp hạng: Nhất</p>").write_pdf()


def writer(data):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)


def sign(data, holder, *, box=None, field="Sig1", text=None):
    """`data` signed by pyHanko as a signing tool would: invisible, or a stamp in `box`."""
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    style = TextStampStyle(stamp_text=text or "Đã ký", border_width=0) if box else None
    spec = fields.SigFieldSpec(sig_field_name=field, on_page=0, box=box) if box else None
    out = io.BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=field),
        signer=holder.pyhanko_signer(),
        stamp_style=style,
        new_field_spec=spec,
    ).sign_pdf(writer(data), output=out)
    return out.getvalue()


def space_box():
    """A stamp well inside `LAYOUT`'s space, in PDF points from the bottom-left."""
    space = LAYOUT["signature"]
    x = space["x"] * 0.75
    top = (space["page_height"] - space["y"]) * 0.75
    return (round(x + 10), round(top - 50), round(x + 200), round(top - 5))


def add_widget(data, *, field_type="/Tx", rect=PAGE, extra=None, form=None):
    """One update adding a widget whose appearance paints the page white with other text."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.font.basic import get_courier

    w = writer(data)
    page_ref = w.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    appearance = generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
            generic.pdf_name("/BBox"): generic.ArrayObject(map(generic.FloatObject, rect)),
            generic.pdf_name("/Resources"): generic.DictionaryObject(
                {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): get_courier(w)})}
            ),
        },
        stream_data=b"1 1 1 rg 0 0 595 842 re f 0 0 0 rg BT /F1 14 Tf 60 780 Td (Tong diem: 15,0) Tj ET",
    )
    widget = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
            generic.pdf_name("/FT"): generic.pdf_name(field_type),
            generic.pdf_name("/T"): generic.TextStringObject("x"),
            generic.pdf_name("/F"): generic.NumberObject(4),
            generic.pdf_name("/Rect"): generic.ArrayObject(map(generic.FloatObject, rect)),
            generic.pdf_name("/AP"): generic.DictionaryObject({generic.pdf_name("/N"): w.add_object(appearance)}),
            generic.pdf_name("/P"): page_ref,
            **(extra or {}),
        }
    )
    widget_ref = w.add_object(widget)
    annots = page.get("/Annots")
    items = [annots.raw_get(i) for i in range(len(annots))] if annots else []
    page[generic.pdf_name("/Annots")] = generic.ArrayObject([*items, widget_ref])
    w.update_container(page)
    if "/AcroForm" in w.root:
        acro = w.root["/AcroForm"]
        acro["/Fields"].append(widget_ref)
        acro.update(form or {})
        w.update_container(acro)
    else:
        acro = generic.DictionaryObject(
            {generic.pdf_name("/Fields"): generic.ArrayObject([widget_ref]), **(form or {})}
        )
        w.root[generic.pdf_name("/AcroForm")] = w.add_object(acro)
        w.update_root()
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def refused(data, original, roots, layout=LAYOUT):
    with pytest.raises(pdf.Refused) as error:
        pdf.verify(data, original=original, trust_roots=roots, layout=layout)
    return error.value.code


# --- What a signing tool writes passes ------------------------------------------------------


def test_an_invisible_signature_passes_with_or_without_a_signature_space(original, holder, roots):
    signed = sign(original, holder)
    assert pdf.verify(signed, original=original, trust_roots=roots, layout=LAYOUT).valid
    assert pdf.verify(signed, original=original, trust_roots=roots, layout={}).valid


def test_a_stamp_on_the_signature_space_passes_and_a_second_signature_keeps_the_first(original, holder, roots):
    signed = sign(sign(original, holder, box=space_box()), holder, field="Sig2")
    verdict = pdf.verify(signed, original=original, trust_roots=roots, layout=LAYOUT)
    assert verdict.valid and len(verdict.signatures) == 2


# --- Overlays --------------------------------------------------------------------------------


def test_a_text_field_painted_over_the_page_then_signed_is_refused(original, holder, roots):
    assert refused(sign(add_widget(original), holder), original, roots) == "modified"


def test_an_overlay_added_after_the_leader_signed_and_countersigned_is_refused(original, holder, roots):
    leader = sign(original, holder)
    assert refused(sign(add_widget(leader), holder, field="Sig2"), original, roots) == "modified"


def test_a_signature_whose_stamp_covers_the_page_is_refused(original, holder, roots):
    forged = sign(original, holder, box=PAGE, text="Tong diem: 15,0  Xep hang: Bet")
    assert refused(forged, original, roots) == "modified"
    assert refused(forged, original, roots, layout={}) == "modified"


def test_a_visible_stamp_is_refused_on_a_document_without_a_signature_space(original, holder, roots):
    assert refused(sign(original, holder, box=space_box()), original, roots, layout={}) == "modified"


def test_a_stamp_on_the_space_of_another_page_is_refused(original, holder, roots):
    layout = {"signature": {**LAYOUT["signature"], "page": 1}}
    assert refused(sign(original, holder, box=space_box()), original, roots, layout=layout) == "modified"


def test_a_signature_widget_that_is_no_signature_of_the_file_is_refused(original, holder, roots):
    # An empty signature field, inside the space, painting what it likes: not a signature.
    forged = sign(add_widget(original, field_type="/Sig", rect=space_box()), holder)
    assert refused(forged, original, roots) == "modified"


@pytest.mark.parametrize(
    "forge",
    [
        lambda generic: {"extra": {generic.pdf_name("/A"): generic.DictionaryObject()}},
        lambda generic: {"extra": {generic.pdf_name("/OC"): generic.DictionaryObject()}},
        lambda generic: {"form": {generic.pdf_name("/NeedAppearances"): generic.BooleanObject(True)}},
        lambda generic: {"form": {generic.pdf_name("/XFA"): generic.ArrayObject()}},
    ],
    ids=["action", "optional-content", "need-appearances", "xfa"],
)
def test_a_form_that_acts_or_renders_by_itself_is_refused(original, holder, roots, forge):
    from pyhanko.pdf_utils import generic

    forged = sign(add_widget(original, field_type="/Sig", rect=(0, 0, 0, 0), **forge(generic)), holder)
    assert refused(forged, original, roots) == "modified"


# --- Objects of the issued document redefined ------------------------------------------------


def _append_update(original, objects, xref_entries):
    """A hand-written classic update: `objects` (bytes, offsets computed) and xref rows."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(original), strict=False)
    body = original if original.endswith(b"\n") else original + b"\n"
    prev = int(original[original.rindex(b"startxref") + 9 :].split()[0])
    rows, offset = [], len(body)
    for (number, generation, kind), obj in zip(xref_entries, objects, strict=True):
        rows.append(b"%d 1\n%010d %05d %s \n" % (number, offset if kind == b"n" else 0, generation, kind))
        offset += len(obj)
    root = reader.trailer.raw_get("/Root").reference
    trailer = b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        reader.trailer["/Size"],
        root.idnum,
        prev,
        offset,
    )
    return body + b"".join(objects) + b"xref\n0 1\n0000000000 65535 f \n" + b"".join(rows) + trailer, reader


def _contents_ref(original):
    from pyhanko.pdf_utils.reader import PdfFileReader

    page = PdfFileReader(io.BytesIO(original), strict=False).root["/Pages"]["/Kids"][0]
    contents = page.raw_get("/Contents")
    return contents.reference if hasattr(contents, "reference") else contents[0].reference


def test_a_content_stream_redefined_under_another_generation_is_refused(original, holder, roots):
    ref = _contents_ref(original)
    stream = b"0 0 0 rg 100 100 300 300 re f"
    obj = b"%d 1 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (ref.idnum, len(stream), stream)
    bumped, _reader = _append_update(original, [obj], [(ref.idnum, 1, b"n")])
    assert refused(sign(bumped, holder), original, roots) == "modified"


def test_an_object_of_the_issued_document_freed_is_refused(original, holder, roots):
    ref = _contents_ref(original)
    freed, _reader = _append_update(original, [b""], [(ref.idnum, ref.generation + 1, b"f")])
    assert refused(sign(freed, holder), original, roots) == "modified"


def test_the_server_stamp_fits_a_narrow_signature_column(original, holder, roots):
    # A ballot-count record signs its head in a column of 200 px: the seal at true size beside
    # the signature is wider than that, so the stamp is scaled down into the space, not refused.
    from tests.signatures.conftest import BLUE, RED, png

    narrow = {"signature": {**LAYOUT["signature"], "x": 116, "width": 200}}
    data = pdf.sign(
        original, signer=holder.pyhanko_signer(), layout=narrow, signer_png=png(BLUE), seal_png=png(RED, (200, 200))
    )
    assert pdf.verify(data, original=original, trust_roots=roots, layout=narrow).valid
    from pypdf import PdfReader

    widget = next(
        a.get_object() for a in PdfReader(io.BytesIO(data)).pages[0]["/Annots"] if a.get_object().get("/FT") == "/Sig"
    )
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 50  # still a stamp one can see

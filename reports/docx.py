"""The Word twin of a document: the HTML that `reports.services.render_html` makes for the PDF,
laid out with python-docx in the layout of decree 30/2020/NĐ-CP (annex I).

One public function, `html_to_docx`. It reads the small vocabulary of
templates/reports/pdf/base.html (the two-column header, `p.flat`, `table.data`,
`table.signatures`, `.sig-*`, `.superseded-mark`, the detailed score table's `table.detail`, ...)
and lays out anything else as paragraphs of its text, whitespace collapsed as a browser does.
Widths that a browser computes (a table's columns, the rules under the issuing body and the
motto) are measured with the metrics of Liberation Serif, the metric twin of Times New Roman, so
Word and LibreOffice break the lines where the PDF does. An inline SVG (the year report's chart)
is left out: the table before it has the same figures.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import lxml.html
from django.conf import settings
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

FONT = "Times New Roman"
FALLBACK_FONT = "Liberation Serif"  # metric-compatible, covers Vietnamese; what LibreOffice substitutes
LANGUAGE = "vi-VN"
PAGE_PORTRAIT = (Mm(210), Mm(297))
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(17)}
HEADER_DISTANCE = Mm(10)
PAGE_NUMBER_SIZE = 13
BODY_SIZE, BODY_SIZE_LANDSCAPE = 14, 13  # as the PDF: a landscape page's body is set a size smaller
MARK_COLOUR = RGBColor(0xB0, 0x00, 0x00)
ISSUER_RULE = 0.4  # the rule under the issuing body: 40 % of its line (decree 30: a third to a half)
# Word's "multiple" line spacing scales the font's own line height (1.15 em for Times New Roman and
# Liberation Serif): 1.08 gives the PDF's 1.25 em, so the pages break where the PDF's do.
LINE_SPACING = 1.08
CELL_PADDING = Pt(4)  # left and right, as the PDF's table.data cells
CELL_PADDING_TOP = Pt(1.5)  # and above and below
BORDER = {"val": "single", "sz": "4", "space": "0", "color": "000000"}  # 0.5 pt
DETAIL_BORDER = {**BORDER, "sz": "2"}  # 0.25 pt, the detailed score table's thin rules

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "ul", "tr", "td", "th", "caption",
    "thead", "tbody", "tfoot",
}  # fmt: skip
SKIPPED_TAGS = {
    "head", "title", "style", "script", "noscript", "template", "svg", "math", "img", "video",
    "audio", "canvas", "iframe", "object", "embed", "input", "button", "select", "textarea", "meta",
    "link", "map",
}  # fmt: skip
SPACE = re.compile(r"[ \t\n\r\f]+")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Line and paragraph separators typed into a field: a plain space in a document's line.
SEPARATORS = re.compile("[\x85\u2028\u2029]")
BREAK = object()  # a <br> among the inline segments


@dataclass(frozen=True)
class Look:
    """What an element passes on to its content (CSS's inherited properties) plus what holds for
    the paragraph the element itself makes (`before`, `after`, `keep`: not inherited)."""

    size: float = 14
    bold: bool = False
    italic: bool = False
    underline: bool = False
    upper: bool = False
    nowrap: bool = False  # never broken: measured as one word
    nbsp: bool = False  # and its spaces made non-breaking (a `span.nowrap` in running text)
    colour: RGBColor | None = None
    align: str | None = None
    indent: float = 0  # first-line indent, pt
    line: float | None = None  # line spacing (a multiple) when not the document's
    before: float = 0
    after: float = 0
    keep: bool = False
    page_break: bool = False  # starts a page

    def inherit(self):
        if self.before or self.after or self.keep or self.page_break:
            return replace(self, before=0, after=0, keep=False, page_break=False)
        return self


# Per tag and per class, in the order they apply (a class wins over the tag).
TAG_LOOKS = {
    "p": {"align": "justify", "indent": 36, "after": 6},
    "h1": {"bold": True, "before": 8, "after": 4, "keep": True, "indent": 0, "align": "left"},
    "h2": {"bold": True, "before": 8, "after": 4, "keep": True, "indent": 0, "align": "left"},
    "h3": {"bold": True, "before": 8, "after": 4, "keep": True, "indent": 0, "align": "left"},
    "h4": {"bold": True, "before": 6, "after": 3, "keep": True, "indent": 0, "align": "left"},
    "b": {"bold": True},
    "strong": {"bold": True},
    "th": {"bold": True, "align": "center"},
    "i": {"italic": True},
    "em": {"italic": True},
    "cite": {"italic": True},
    "u": {"underline": True},
    "center": {"align": "center"},
    "li": {"indent": 0, "after": 3},
}
CLASS_LOOKS = {
    "parent": {"size": 13, "upper": True},
    "issuer": {"size": 13, "bold": True, "upper": True},
    "nation": {"size": 12, "bold": True, "upper": True, "nowrap": True},
    "motto": {"size": 13, "bold": True},
    "number": {"size": 13},
    "place-date": {"size": 14, "italic": True},
    "superseded-mark": {"size": 13, "bold": True, "colour": MARK_COLOUR, "align": "center", "indent": 0, "after": 8},
    "replaces-note": {"size": 13, "italic": True, "align": "center", "indent": 0, "after": 8},
    "doc-type": {"size": 14, "bold": True, "upper": True, "align": "center", "indent": 0, "before": 12, "keep": True},
    "doc-summary": {"size": 14, "bold": True, "align": "center", "indent": 0, "before": 2, "after": 12, "keep": True},
    "flat": {"indent": 0},
    "sub": {"indent": Mm(20).pt},
    "lead": {"keep": True},
    "recipients": {"align": "left", "size": 11},
    "label": {"size": 12, "bold": True, "italic": True},
    "sig-prefix": {"size": 13, "bold": True, "upper": True},
    "sig-post": {"size": 13, "bold": True, "upper": True},
    "sig-below": {"size": 13, "bold": True, "upper": True},
    "sig-note": {"size": 13, "italic": True},
    "sig-unit": {"size": 13, "upper": True},
    "sig-name": {"size": 14, "bold": True},
    "nowrap": {"nowrap": True, "nbsp": True},
    "num": {"align": "right", "nowrap": True},
    "name": {"nowrap": True},
    "c": {"align": "center"},
    "detail-part": {"size": 12, "bold": True, "indent": 0, "before": 4, "after": 2, "keep": True},
    "detail-note": {"size": 11, "indent": 0, "before": 2},
}
# The detailed score table (table.detail) has a vocabulary of its own, one letter a class.
SCOPED_LOOKS = {
    "detail": {
        "td": {"align": "right", "nowrap": True},
        "th": {"bold": True, "align": "center", "nowrap": False},
        "k": {"align": "left"},
        "t": {"align": "left", "nowrap": False},
        "r": {"align": "center"},
        "m": {"size": 9},
        "s": {"bold": True},
        "g": {"italic": True},
        "b": {"bold": True},
    },
    "dense": {"m": {"size": 7.5}},
}
CELL_INDENTS = {"i1": 10, "i2": 18, "i3": 26}  # table.detail td.i1..i3: padding-left, pt


def html_to_docx(html: str) -> bytes:
    """The .docx of a document from its HTML (as `reports.services.render_html` makes it).

    Raises ValueError, saying why, when `html` is not an HTML document with some text in its body.
    """
    root = _parse(html)
    return _Writer(root).write()


def _parse(html):
    if isinstance(html, bytes):
        try:
            html = html.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"The document's HTML is not UTF-8 text: {error}") from None
    if not isinstance(html, str):
        raise ValueError(f"The document's HTML must be text, not {type(html).__name__}.")
    html = SEPARATORS.sub(" ", NOT_XML.sub("", html))
    if not html.strip():
        raise ValueError("The document's HTML is empty: there is nothing to put in a Word file.")
    if not re.search(r"<\s*(html|body)[\s>/]", html, re.IGNORECASE):
        raise ValueError("This is not an HTML document (no <html> or <body> element): nothing to put in a Word file.")
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as error:
        raise ValueError(f"The document's HTML cannot be read: {error}") from None
    body = root.find("body")
    if body is None or not _tidy(_inline_of(body, Look())):
        raise ValueError("The document's HTML has no text in its body: there is nothing to put in a Word file.")
    return root


def _classes(element):
    return (element.get("class") or "").split()


def _has_class(element, name):
    return name in _classes(element)


def _style_look(style):
    """The few inline styles the templates use: font-weight, font-style, font-size, text-align."""
    look = {}
    for declaration in (style or "").split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "font-weight":
            look["bold"] = value == "bold" or value.isdigit() and int(value) >= 600
        elif name == "font-style":
            look["italic"] = value in ("italic", "oblique")
        elif name == "text-align" and value in ALIGN:
            look["align"] = value
        elif name == "text-transform":
            look["upper"] = value == "uppercase"
        elif name in ("page-break-before", "break-before"):
            look["page_break"] = value in ("always", "page")
        elif name == "font-size":
            size = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(pt|px)", value)
            if size:
                look["size"] = min(max(float(size[1]) * (0.75 if size[2] == "px" else 1), 1), 72)
    return look


def _look_of(element, parent, scope=()):
    """The look of `element` inside `parent`'s: its tag's, then its classes' (those of `scope`,
    the enclosing table's own vocabulary, last), then its inline style."""
    return _derive(element.tag, element.get("class"), element.get("style"), parent, tuple(scope))


@functools.lru_cache(maxsize=4096)
def _derive(tag, classes, style, parent, scope):
    changes = dict(TAG_LOOKS.get(tag, {}))
    names = (classes or "").split()
    for name in names:
        changes.update(CLASS_LOOKS.get(name, {}))
    for table in scope:
        scoped = SCOPED_LOOKS.get(table, {})
        changes.update(scoped.get(tag, {}))
        for name in names:
            changes.update(scoped.get(name, {}))
    if style:
        changes.update(_style_look(style))
    look = parent.inherit()
    return replace(look, **changes) if changes else look


# --- Measuring text, with the metrics of the font LibreOffice and the PDF use -----------------


@functools.cache
def _font(bold, italic):
    from PIL import ImageFont

    style = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic", (True, True): "BoldItalic"}
    folder = Path(getattr(settings, "PDF_FONT_DIR", "/usr/share/fonts/truetype/liberation2"))
    try:
        return ImageFont.truetype(str(folder / f"LiberationSerif-{style[bold, italic]}.ttf"), 1000)
    except OSError:
        return None


def _width(text, look):
    """The width of `text` in `look`, in points."""
    return _em_width(text, look.bold, look.italic) * look.size


@functools.lru_cache(maxsize=8192)
def _em_width(text, bold, italic):
    font = _font(bold, italic)
    if font is not None:
        try:
            return font.getlength(text) / 1000
        except (RuntimeError, OSError, ValueError):  # a text the shaper refuses: estimate it
            pass
    return len(text) * (0.62 if text.isupper() else 0.5)  # Times New Roman's average letter


def _line_widths(segments):
    """The width of each line of `segments` (lines broken at <br>), in points."""
    widths, current = [], 0.0
    for segment in segments:
        if segment is BREAK:
            widths.append(current)
            current = 0.0
        else:
            current += _width(*segment)
    return [*widths, current]


def _longest_word(segments):
    words = [0.0]
    for segment in segments:
        if segment is BREAK:
            words.append(0.0)
            continue
        text, look = segment
        pieces = [text] if look.nowrap else text.split(" ")
        words[-1] += _width(pieces[0], look)
        for piece in pieces[1:]:
            words.append(_width(piece, look))
    return max(words)


# --- The inline content of a block: segments of (text, look) and BREAKs -----------------------


def _inline(element, look, out, scope=()):
    """Append the inline content of `element` (already styled `look`) to `out`."""
    if element.text:
        out.append((element.text, look))
    for child in element:
        if isinstance(child.tag, str) and child.tag not in SKIPPED_TAGS:
            if child.tag == "br":
                out.append(BREAK)
            else:
                child_look = _look_of(child, look, scope)
                if child.tag in BLOCK_TAGS and out and out[-1] is not BREAK:
                    out.append(BREAK)  # a block inside inline content starts a line of its own
                _inline(child, child_look, out, scope)
        if child.tail:
            out.append((child.tail, look))


def _tidy(segments):
    """Whitespace as a browser lays it out: runs of spaces collapsed, none at a line's ends;
    text upper-cased where CSS says so, non-breaking where `nowrap`; adjacent runs merged."""
    out, line_start = [], True
    for segment in segments:
        if segment is BREAK:
            _strip_end(out)
            out.append(BREAK)
            line_start = True
            continue
        text, look = segment
        text = SPACE.sub(" ", text)
        if line_start or (out and out[-1] is not BREAK and out[-1][0].endswith(" ")):
            text = text.lstrip(" ")
        if not text:
            continue
        if look.upper:
            text = text.upper()
        if look.nbsp:
            text = text.replace(" ", "\u00a0")
        if out and out[-1] is not BREAK and out[-1][1] == look:
            out[-1] = (out[-1][0] + text, look)
        else:
            out.append((text, look))
        line_start = False
    _strip_end(out)
    while out and out[-1] is BREAK:
        out.pop()
    return out


def _strip_end(out):
    while out and out[-1] is not BREAK:
        text = out[-1][0].rstrip(" ")
        if text:
            out[-1] = (text, out[-1][1])
            return
        out.pop()


# --- Word XML helpers -----------------------------------------------------------------------


def _set(parent, tag, **attributes):
    """The child `tag` of `parent` (made if missing) with the attributes `w:<name>` set."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        parent.append(child)
    for name, value in attributes.items():
        child.set(qn(f"w:{name}"), str(value))
    return child


def _borders(parent, tag, sides, **border):
    """`<tag>` with each side of `sides` set to `border` (or to none when border is empty)."""
    element = parent.find(qn(tag))
    if element is not None:
        parent.remove(element)
    element = OxmlElement(tag)
    for side in sides:
        edge = OxmlElement(f"w:{side}")
        for name, value in (border or {"val": "nil"}).items():
            edge.set(qn(f"w:{name}"), value)
        element.append(edge)
    return element


def _insert_in_order(parent, child, successors):
    """Insert `child` into `parent` before the first of `successors` present (the schema's order)."""
    for name in successors:
        found = parent.find(qn(name))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:spacing",
                    "w:ind", "w:contextualSpacing", "w:jc", "w:textDirection", "w:rPr", "w:sectPr")  # fmt: skip


def _paragraph_border(paragraph, sides, **border):
    pPr = paragraph._p.get_or_add_pPr()
    old = pPr.find(qn("w:pBdr"))
    if old is not None:
        pPr.remove(old)
    _insert_in_order(pPr, _borders(pPr, "w:pBdr", sides, **border), PPR_AFTER_BORDER)


def _field(paragraph, instruction, shown, look):
    """A Word field (`PAGE`, ...) showing `shown` until the reader updates it."""

    def run(kind=None, text=None):
        r = paragraph.add_run()
        _run_look(r, look)
        if kind:
            _set(r._r, "w:fldChar", fldCharType=kind)
        if text is not None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        return r

    run("begin")
    run(text=f" {instruction} ")
    run("separate")
    run().text = shown
    run("end")


def _run(p, text, look):
    """Append a run of `text` in `look` to the paragraph element `p` (made directly: thousands
    of table cells go through here) and return it."""
    r = etree.SubElement(p, qn("w:r"))
    rPr = etree.SubElement(r, qn("w:rPr"))
    if look.bold:
        etree.SubElement(rPr, qn("w:b"))
    if look.italic:
        etree.SubElement(rPr, qn("w:i"))
    if look.colour is not None:
        etree.SubElement(rPr, qn("w:color")).set(qn("w:val"), str(look.colour))
    etree.SubElement(rPr, qn("w:sz")).set(qn("w:val"), str(round(look.size * 2)))
    if look.underline:
        etree.SubElement(rPr, qn("w:u")).set(qn("w:val"), "single")
    if text:
        t = etree.SubElement(r, qn("w:t"))
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _run_look(run, look):
    font = run.font
    font.size = Pt(look.size)
    if look.bold:
        font.bold = True
    if look.italic:
        font.italic = True
    if look.underline:
        font.underline = True
    if look.colour is not None:
        font.color.rgb = look.colour


@dataclass
class _Box:
    """Where blocks go: the document's body or a table cell (`element`), and the width there (EMU)."""

    element: object
    width: int
    anchor: object = None  # the body's sectPr: blocks go before it
    left: float = 0  # a left indent for every paragraph (a cell's own padding), pt
    paragraphs: list = field(default_factory=list)
    last_width: float = 0  # the widest line of the last paragraph, pt (for the rule under it)
    pending_before: float = 0  # room the next paragraph leaves above it (after a table), pt

    def add(self, child):
        if self.anchor is not None:
            self.anchor.addprevious(child)
        else:
            self.element.append(child)
        return child

    def last_block(self):
        for child in reversed(self.element):
            if child.tag in (qn("w:p"), qn("w:tbl")):
                return child.tag
        return None


class _Writer:
    def __init__(self, root):
        self.root = root
        self.body = root.find("body")
        self.landscape = _has_class(self.body, "landscape")
        self.document = Document()
        self.marks = [el for el in self.body.iter("div") if _has_class(el, "superseded-mark")]
        self.small_header = False

    # --- the whole document ---

    def write(self):
        self._set_up()
        section = self.document.sections[0]
        body = self.document.element.body
        for child in list(body):  # the template's empty paragraph, if any
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        box = _Box(body, section.page_width - section.left_margin - section.right_margin, anchor=body.sectPr)
        base = Look(size=BODY_SIZE_LANDSCAPE if self.landscape else BODY_SIZE)
        self.body_box = box
        first = next((child for child in self.body if isinstance(child.tag, str)), None)
        if first is None or not (first.tag == "table" and _has_class(first, "header")):
            self._marks(box, base)
        self._flow(self.body, box, base)
        if box.last_block() == qn("w:tbl"):  # Word ends a body with a paragraph: a tiny one, not a blank page
            ending = self._new_paragraph(box)
            ending.paragraph_format.line_spacing = Pt(1)
            ending._p.get_or_add_pPr().append(_rpr_of_size(1))
        self._headers(section)
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()

    def _set_up(self):
        document = self.document
        self._styles()
        self._font_table()
        section = document.sections[0]
        width, height = PAGE_PORTRAIT
        if self.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            width, height = height, width
        section.page_width, section.page_height = width, height
        for side, margin in MARGINS.items():
            setattr(section, f"{side}_margin", margin)
        section.header_distance = section.footer_distance = HEADER_DISTANCE
        section.gutter = 0
        properties = document.core_properties
        title = self.root.find("head/title")
        properties.title = SPACE.sub(" ", title.text_content()).strip() if title is not None else ""
        properties.language = LANGUAGE
        properties.author = properties.last_modified_by = ""
        properties.comments = properties.subject = properties.keywords = properties.category = ""
        package = document.part.package
        for rel_id, rel in list(package.rels.items()):
            if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:  # python-docx's template picture
                del package.rels[rel_id]

    def _styles(self):
        styles = self.document.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rPr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        pPr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        for rpr in (rPr, styles["Normal"].element.get_or_add_rPr()):
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None:
                rpr.remove(fonts)
            fonts = OxmlElement("w:rFonts")
            for name in ("ascii", "hAnsi", "eastAsia", "cs"):
                fonts.set(qn(f"w:{name}"), FONT)
            rpr.insert(0, fonts)
            _set(rpr, "w:lang", val=LANGUAGE, eastAsia=LANGUAGE, bidi=LANGUAGE)
        _set(pPr, "w:spacing", after="0", line="240", lineRule="auto")
        normal = styles["Normal"]
        normal.font.size = Pt(BODY_SIZE_LANDSCAPE if self.landscape else BODY_SIZE)
        normal.paragraph_format.widow_control = True
        normal.paragraph_format.space_after = 0
        normal.paragraph_format.line_spacing = LINE_SPACING

    def _font_table(self):
        """Times New Roman described as a roman face, Liberation Serif named as its alternative."""
        part = next(
            (
                rel.target_part
                for rel in self.document.part.rels.values()
                if rel.reltype == RELATIONSHIP_TYPE.FONT_TABLE
            ),
            None,
        )
        if part is None:
            return
        fonts = etree.fromstring(part.blob)
        for font in fonts.findall(qn("w:font")):
            if font.get(qn("w:name")) == FONT:
                for alt in font.findall(qn("w:altName")):
                    font.remove(alt)
                alt = etree.SubElement(font, qn("w:altName"))
                alt.set(qn("w:val"), FALLBACK_FONT)
                font.remove(alt)
                font.insert(0, alt)
                family = font.find(qn("w:family"))
                if family is not None:
                    family.set(qn("w:val"), "roman")
        part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _marks(self, box, look):
        """A superseded document's mark: the first paragraph under the header, wherever the HTML has it."""
        for mark in self.marks:
            mark_look = _look_of(mark, look)
            self._paragraph(box, _tidy(_inline_of(mark, mark_look)), mark_look, element=mark)

    def _headers(self, section):
        """The page number centred at the top from page 2 (page 1's header is empty), and a
        superseded document's mark at the top of every page."""
        section.different_first_page_header_footer = True
        mark = " ".join(SPACE.sub(" ", m.text_content()).strip() for m in self.marks).strip()
        mark_look = Look(size=10, bold=True, colour=MARK_COLOUR)
        for header, numbered in ((section.first_page_header, False), (section.header, True)):
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0]
            if mark:
                self._header_line(paragraph, "center")
                _run_look(paragraph.add_run(mark), mark_look)
                if numbered:
                    paragraph = header.add_paragraph()
            if numbered:
                self._header_line(paragraph, "center")
                _field(paragraph, "PAGE", "2", Look(size=PAGE_NUMBER_SIZE))

    @staticmethod
    def _header_line(paragraph, align):
        paragraph.style = None
        paragraph.alignment = ALIGN[align]
        paragraph.paragraph_format.space_after = 0

    # --- blocks ---

    def _flow(self, element, box, look, scope=()):
        """Lay out `element`'s content in `box`: its blocks, and its loose inline content as
        paragraphs of their own (the anonymous blocks of CSS)."""
        pending = []
        if element.text:
            pending.append((element.text, look))
        for child in element:
            if not isinstance(child.tag, str) or child.tag in SKIPPED_TAGS:
                pass
            elif child.tag in BLOCK_TAGS:
                self._paragraph(box, _tidy(pending), look.inherit())
                pending = []
                self._block(child, box, look, scope)
            elif child.tag == "br":
                pending.append(BREAK)
            else:
                _inline(child, _look_of(child, look, scope), pending, scope)
            if child.tail:
                pending.append((child.tail, look))
        self._paragraph(box, _tidy(pending), look.inherit())

    def _block(self, element, box, parent_look, scope=()):
        classes = _classes(element)
        tag = element.tag
        look = _look_of(element, parent_look, scope)
        if self.small_header and ("parent" in classes or "issuer" in classes):
            look = replace(look, size=12)
        if "detail-part" in classes and "next" in classes:
            look = replace(look, page_break=True)
        if "superseded-mark" in classes:
            return  # laid out once, under the header (_marks)
        if tag == "table":
            if "header" in classes:
                self._header_table(element, box, look)
            elif "signatures" in classes:
                self._signature_table(element, box, look)
            else:
                self._data_table(element, box, look)
            return
        if "rule" in classes:
            self._rule(box, ISSUER_RULE)
            return
        if "sig-space" in classes:
            self._space(box, Mm(18 if self.landscape else 20))
            return
        if tag == "hr":
            _paragraph_border(self._new_paragraph(box), ["bottom"], **BORDER)
            return
        start = len(box.paragraphs)
        if tag == "li":
            self._list_item(element, box, look)
        elif any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in element):
            self._flow(element, box, look, scope)
            made = box.paragraphs[start:]  # the element's own spacing: above its first paragraph, below its last
            if made and look.before:
                made[0].paragraph_format.space_before = Pt(look.before)
            if made and look.after:
                made[-1].paragraph_format.space_after = Pt(look.after)
            if made and look.page_break:
                made[0].paragraph_format.page_break_before = True
            for paragraph in made if look.keep else ():
                paragraph.paragraph_format.keep_with_next = True
        else:
            self._paragraph(box, _tidy(_inline_of(element, look, scope)), look, element=element)
        if "issuer" in classes and not any(_has_class(d, "rule") for d in element.iter()):
            self._rule(box, ISSUER_RULE)
        if "keep" in classes:  # a group that stays on one page
            for paragraph in box.paragraphs[start:-1]:
                paragraph.paragraph_format.keep_with_next = True

    def _list_item(self, element, box, look):
        parent = element.getparent()
        siblings = [child for child in parent if child.tag == "li"]
        marker = f"{siblings.index(element) + 1}." if parent.tag == "ol" else "\u2022"
        segments = _tidy([(marker + "\u00a0", look), *_inline_of(element, look)])
        paragraph = self._paragraph(box, segments, look, element=element)
        if paragraph is not None:
            fmt = paragraph.paragraph_format
            fmt.left_indent, fmt.first_line_indent = Mm(10), -Mm(5)

    def _new_paragraph(self, box, p=None):
        p = box.add(p if p is not None else OxmlElement("w:p"))
        paragraph = Paragraph(p, None)
        box.paragraphs.append(paragraph)
        return paragraph

    def _paragraph(self, box, segments, look, element=None):
        """A paragraph of `segments` in `look`, its properties written in the schema's order."""
        if not segments:
            return None
        p = OxmlElement("w:p")
        pPr = etree.SubElement(p, qn("w:pPr"))
        if look.keep:
            etree.SubElement(pPr, qn("w:keepNext"))
        if look.page_break:
            etree.SubElement(pPr, qn("w:pageBreakBefore"))
        before, box.pending_before = max(look.before, box.pending_before), 0
        if before or look.after or look.line:
            spacing = etree.SubElement(pPr, qn("w:spacing"))
            if before:
                spacing.set(qn("w:before"), str(round(before * 20)))
            if look.after:
                spacing.set(qn("w:after"), str(round(look.after * 20)))
            if look.line:
                spacing.set(qn("w:line"), str(round(look.line * 240)))
                spacing.set(qn("w:lineRule"), "auto")
        if look.indent or box.left:
            ind = etree.SubElement(pPr, qn("w:ind"))
            if box.left:
                ind.set(qn("w:left"), str(round(box.left * 20)))
            if look.indent:
                ind.set(qn("w:firstLine"), str(round(look.indent * 20)))
        if look.align:
            etree.SubElement(pPr, qn("w:jc")).set(qn("w:val"), JC[look.align])
        # The paragraph mark in the text's size: Word gives the last line the mark's height too.
        etree.SubElement(etree.SubElement(pPr, qn("w:rPr")), qn("w:sz")).set(qn("w:val"), str(round(look.size * 2)))
        run = None
        for segment in segments:
            if segment is BREAK:
                etree.SubElement(run if run is not None else _run(p, "", look), qn("w:br"))
            else:
                run = _run(p, *segment)
        paragraph = self._new_paragraph(box, p)
        classes = _classes(element) if element is not None else []
        widest = max(_line_widths(segments))
        if "motto" in classes:
            self._rule_under(paragraph, box, widest)
        if "superseded-mark" in classes:
            _paragraph_border(
                paragraph, ["top", "left", "bottom", "right"], val="single", sz="10", space="3", color="B00000"
            )
        box.last_width = widest
        return paragraph

    def _rule_under(self, paragraph, box, text_width):
        """A bottom border as wide as the text: the paragraph is indented to the text's width."""
        inset = max((box.width - Pt(text_width + 3)) / 2, 0)  # 3 pt: no line break for rounding
        paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Emu(int(inset))
        _paragraph_border(paragraph, ["bottom"], val="single", sz="6", space="1", color="000000")

    def _rule(self, box, fraction):
        """A short rule centred under the previous line, `fraction` of that line's width."""
        width = min(Pt(box.last_width), box.width) * fraction
        if width <= 0:
            return
        paragraph = self._new_paragraph(box)
        fmt = paragraph.paragraph_format
        inset = Emu(int((box.width - width) / 2))
        fmt.left_indent = fmt.right_indent = inset
        fmt.space_before, fmt.line_spacing = Pt(2), Pt(2)
        _paragraph_border(paragraph, ["top"], val="single", sz="6", space="0", color="000000")
        paragraph._p.get_or_add_pPr().append(_rpr_of_size(2))

    def _space(self, box, height):
        """Blank space of `height` (the room for a signature)."""
        paragraph = self._new_paragraph(box)
        fmt = paragraph.paragraph_format
        fmt.line_spacing = height
        paragraph._p.get_or_add_pPr().append(_rpr_of_size(2))
        fmt.keep_with_next = True

    # --- tables ---

    def _new_table(self, box, widths, *, border=None, padding=(0, 0), align="center"):
        """An empty table of `widths` (EMU) in `box`: fixed layout, `border` on every edge (none
        when None), `padding` (pt: above and below, left and right) in every cell."""
        if box.last_block() == qn("w:tbl"):  # two tables in a row would merge into one
            separator = self._new_paragraph(box)
            separator.paragraph_format.line_spacing = Pt(max(box.pending_before, 1))
            separator._p.get_or_add_pPr().append(_rpr_of_size(1))
        box.pending_before = 0
        tbl = CT_Tbl.new_tbl(0, len(widths), Emu(sum(widths)))
        tblPr = tbl.tblPr
        for child in list(tblPr):
            tblPr.remove(child)
        # In the schema's order: tblW, jc, tblBorders, tblLayout, tblCellMar.
        _set(tblPr, "w:tblW", w=str(int(Emu(sum(widths)).twips)), type="dxa")
        _set(tblPr, "w:jc", val=align)
        sides = ["top", "left", "bottom", "right", "insideH", "insideV"]
        tblPr.append(_borders(tblPr, "w:tblBorders", sides, **(border or {})))
        _set(tblPr, "w:tblLayout", type="fixed")
        margins = _set(tblPr, "w:tblCellMar")
        upright, sideways = (round(points * 20) for points in padding)
        for side, value in (("top", upright), ("left", sideways), ("bottom", upright), ("right", sideways)):
            _set(margins, f"w:{side}", w=str(value), type="dxa")
        for column, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            column.set(qn("w:w"), str(int(Emu(int(width)).twips)))
        box.add(tbl)
        return tbl

    def _rows(self, element):
        """The table's rows as (tr, is_header), thead first, tfoot last, as a browser orders them."""
        head, body, foot = [], [], []
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "thead":
                head += [(tr, True) for tr in child if tr.tag == "tr"]
            elif child.tag in ("tbody",):
                body += [(tr, False) for tr in child if tr.tag == "tr"]
            elif child.tag == "tfoot":
                foot += [(tr, False) for tr in child if tr.tag == "tr"]
            elif child.tag == "tr":
                body.append((child, False))
        return head + body + foot

    @staticmethod
    def _grid(rows):
        """Place the cells: [(row index, column, colspan, rowspan, td)] and the column count."""
        placed, taken = [], set()
        for r, (tr, _header) in enumerate(rows):
            column = 0
            for td in tr:
                if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                    continue
                while (r, column) in taken:
                    column += 1
                colspan = _span(td, "colspan")
                rowspan = min(_span(td, "rowspan"), len(rows) - r)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, column + dc))
                placed.append((r, column, colspan, rowspan, td))
                column += colspan
        columns = max((c for _r, c in taken), default=-1) + 1
        return placed, columns

    def _fill(self, tbl, rows, placed, columns, widths, cell_look, *, header_rows=True, valign="top", **options):
        """Write the rows: cells merged across (gridSpan) and down (vMerge), content laid out.
        Yields (td, the cell's box) once its content is in. Options: `padding` (pt, each side),
        `scope` (the table's own classes), `shaded` (row classes whose cells are shaded)."""
        padding, scope, shaded = options.get("padding", 0), options.get("scope", ()), options.get("shaded", ())
        by_row = {}
        for item in placed:
            by_row.setdefault(item[0], []).append(item)
        covered = {}  # (row, column) -> colspan, for the continuation of a rowspan
        for r, column, colspan, rowspan, _td in placed:
            for dr in range(1, rowspan):
                covered[r + dr, column] = colspan
        for r, (source, is_header) in enumerate(rows):
            tr = etree.SubElement(tbl, qn("w:tr"))
            trPr = etree.SubElement(tr, qn("w:trPr"))
            etree.SubElement(trPr, qn("w:cantSplit"))
            if is_header and header_rows:
                etree.SubElement(trPr, qn("w:tblHeader"))
            row_look = _look_of(source, cell_look, scope)
            shade = any(_has_class(source, name) for name in shaded)
            starts = {item[1]: item for item in by_row.get(r, [])}
            column = 0
            while column < columns:
                if column in starts:
                    _r, _c, colspan, rowspan, td = starts[column]
                    width = sum(widths[column : column + colspan])
                    tc = _tc(tr, width, colspan, "restart" if rowspan > 1 else None, valign, shade)
                    look = _look_of(td, row_look, scope)
                    box = _Box(tc, int(width - 2 * Pt(padding)))
                    box.left = next((pt - padding for name, pt in CELL_INDENTS.items() if _has_class(td, name)), 0)
                    self._flow(td, box, look, scope)
                    if box.last_block() != qn("w:p"):  # a cell ends with a paragraph
                        _empty_paragraph(tc, look)
                    yield td, box
                elif (r, column) in covered:
                    colspan = covered[r, column]
                    merged = _tc(tr, sum(widths[column : column + colspan]), colspan, "continue", valign)
                    _empty_paragraph(merged, row_look)
                else:  # a short row: an empty cell, as a browser leaves the gap
                    colspan = 1
                    _empty_paragraph(_tc(tr, widths[column], 1, None, valign), row_look)
                column += colspan

    def _header_table(self, element, box, look):
        rows = self._rows(element)
        placed, columns = self._grid(rows)
        if columns == 0:
            return
        shares = [0.5, 0.5] if self.landscape else [0.42, 0.58]
        if columns != 2:
            shares = [1 / columns] * columns
        widths = [int(box.width * share) for share in shares]
        self.small_header = self._left_fits_at_12_only(element, look, widths[0])
        tbl = self._new_table(box, widths)
        cell_look = replace(look.inherit(), align="center", indent=0)
        for td, cell_box in self._fill(tbl, rows, placed, columns, widths, cell_look, header_rows=False):
            if td.getparent() is not None and _has_class(td.getparent(), "refs"):
                for paragraph in cell_box.paragraphs[:1]:
                    paragraph.paragraph_format.space_before = Pt(6)
        self.small_header = False
        self._after_table(box)
        if box is self.body_box:
            self._marks(box, look.inherit())

    @staticmethod
    def _left_fits_at_12_only(element, look, width):
        """Whether a line of the left column (parent body, issuing body) wraps at 13 pt but none
        does at 12: then both are set at 12, as decree 30 allows (12–13) and the PDF does."""
        wraps = {13: False, 12: False}
        for div in element.iter("div"):
            if _has_class(div, "parent") or _has_class(div, "issuer"):
                for size in wraps:
                    own = replace(_look_of(div, look), size=size)
                    wraps[size] |= Pt(max(_line_widths(_tidy(_inline_of(div, own))))) > width
        return wraps[13] and not wraps[12]

    def _signature_table(self, element, box, look):
        rows = self._rows(element)
        placed, columns = self._grid(rows)
        if columns == 0:
            return
        covenant = _has_class(element, "covenant")
        if columns == 2 and any(_has_class(td, "recipients") for *_x, td in placed):
            shares = [0.4, 0.6] if self.landscape else [0.47, 0.53]
        else:
            shares = [1 / columns] * columns
        widths = [int(box.width * share) for share in shares]
        if not covenant and box.paragraphs:  # the signatures stay with the paragraph they close
            box.paragraphs[-1].paragraph_format.keep_with_next = True
        previous = box.paragraphs[-1] if box.paragraphs else None
        tbl = self._new_table(box, widths)
        cell_look = replace(look.inherit(), align="center", indent=0)
        for _td, cell_box in self._fill(tbl, rows, placed, columns, widths, cell_look, header_rows=False):
            # A row never splits (cantSplit); one row of blocks stays with its paragraph. A
            # covenant's rows may run over pages: Word keeps a row whose paragraphs "keep with
            # next" with the next row, so they do not.
            if not covenant:
                for paragraph in cell_box.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
            if covenant and cell_box.paragraphs:
                cell_box.paragraphs[-1].paragraph_format.space_after = Pt(14)
        self._space_before_table(previous, tbl, 12)
        self._after_table(box)

    def _data_table(self, element, box, look):
        rows = self._rows(element)
        placed, columns = self._grid(rows)
        if columns == 0:
            return
        classes = _classes(element)
        if "detail" in classes:  # the detailed score table: small type, thin rules, tight cells
            scope = ("detail", "dense") if "dense" in classes else ("detail",)
            size, padding = (8, (1, 1.5)) if "dense" in classes else (9.5, (1, 2))
            cell_look = replace(look.inherit(), size=size, indent=0, line=1.0)
            border, shaded = DETAIL_BORDER, ("s",)
        else:
            scope, padding, shaded = (), (CELL_PADDING_TOP.pt, CELL_PADDING.pt), ()
            cell_look, border = replace(look.inherit(), size=12, indent=0), BORDER
        available = box.width * (0.6 if "counts" in classes else 1)
        widths = self._column_widths(element, rows, placed, columns, cell_look, available, scope, padding[1])
        previous = box.paragraphs[-1] if box.paragraphs else None
        tbl = self._new_table(box, widths, border=border, padding=padding)
        cells = self._fill(
            tbl,
            rows,
            placed,
            columns,
            widths,
            cell_look,
            valign="center",
            padding=padding[1],
            scope=scope,
            shaded=shaded,
        )
        for td, cell_box in cells:
            if "counts" in classes and _has_class(td, "num"):
                for paragraph in cell_box.paragraphs:
                    paragraph.paragraph_format.alignment = ALIGN["center"]
        if "keep" in classes:  # the table stays on one page: each row keeps with the next
            for tr in tbl.findall(qn("w:tr"))[:-1]:
                for p in tr.iter(qn("w:p")):
                    Paragraph(p, None).paragraph_format.keep_with_next = True
        self._space_before_table(previous, tbl, 4)
        self._after_table(box, after=8)

    def _column_widths(self, element, rows, placed, columns, cell_look, available, scope, padding):
        """Column widths as a browser's automatic table layout gives them: widths the table's
        <col>s set, the others between their longest word and their longest line; the table
        `available` wide."""
        target = Emu(int(available)).pt
        fixed = _col_widths(element, columns, target)
        if "counts" in _classes(element):  # a vote count's figures: a quarter of the table each
            fixed |= {column: target / 4 for _r, column, _cs, _rs, td in placed if _has_class(td, "num")}
        room = 2 * padding + 1
        low, high = [room] * columns, [room] * columns
        spanned = []
        for r, column, colspan, _rowspan, td in placed:
            if colspan == 1 and column in fixed:
                continue
            look = _look_of(td, _look_of(rows[r][0], cell_look, scope), scope)
            segments = _tidy(_inline_of(td, look, scope))
            lowest = (
                _longest_word(segments) + room + next((pt for n, pt in CELL_INDENTS.items() if _has_class(td, n)), 0)
            )
            highest = max(_line_widths(segments)) + room
            if colspan == 1:
                low[column], high[column] = max(low[column], lowest), max(high[column], highest)
            else:
                spanned.append((column, colspan, lowest, highest))
        for column, colspan, lowest, highest in spanned:
            for bounds, need in ((low, lowest), (high, highest)):
                have = sum(bounds[column : column + colspan])
                if need > have:
                    for c in range(column, column + colspan):
                        bounds[c] += (need - have) / colspan
        high = [max(h, lo) for h, lo in zip(high, low, strict=True)]
        free = [c for c in range(columns) if c not in fixed]
        shares = _distribute([low[c] for c in free], [high[c] for c in free], max(target - sum(fixed.values()), 0))
        points = dict(zip(free, shares, strict=True)) | fixed
        return [int(Pt(points[c])) for c in range(columns)]

    @staticmethod
    def _space_before_table(previous, tbl, points):
        """Room above a table: on the paragraph just before it (Word has no table margin)."""
        if previous is not None and previous._p is tbl.getprevious():
            after = previous.paragraph_format.space_after
            if after is None or after.pt < points:
                previous.paragraph_format.space_after = Pt(points)

    @staticmethod
    def _after_table(box, after=0):
        """The paragraph after a table leaves `after` points above it (the table's margin)."""
        box.pending_before = after


def _col_widths(table, columns, target):
    """{column: width in pt} that the table's <col> elements set (mm, cm, pt, px or %)."""
    cols = table.findall("col") + table.findall("colgroup/col")
    widths, column = {}, 0
    for col in cols:
        span = _span(col, "span")
        value = None
        for declaration in (col.get("style") or "").split(";"):
            name, _, raw = declaration.partition(":")
            if name.strip().lower() == "width":
                value = _length(raw.strip().lower(), target)
        if value is None and col.get("width"):
            value = _length(col.get("width").strip().lower(), target)
        for c in range(column, min(column + span, columns)):
            if value is not None:
                widths[c] = value
        column += span
    return widths


def _length(value, whole):
    """A CSS length in points (a percentage of `whole`), or None."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(mm|cm|pt|px|%)?", value)
    if not match:
        return None
    number, unit = float(match[1]), match[2] or "px"
    return number * {"mm": 72 / 25.4, "cm": 72 / 2.54, "pt": 1, "px": 0.75, "%": whole / 100}[unit]


def _distribute(low, high, target):
    """Widths between `low` and `high` adding up to `target`, as a browser's automatic layout
    shares them: all at their widest and the rest in proportion, else each at its narrowest plus
    a share of the room in proportion to what it would take more, else narrowed alike."""
    if not low:
        return []
    if sum(high) <= target:
        return [h + (target - sum(high)) * h / sum(high) for h in high]
    if sum(low) <= target:
        spread = sum(h - lo for h, lo in zip(high, low, strict=True))
        return [lo + (target - sum(low)) * (h - lo) / spread for h, lo in zip(high, low, strict=True)]
    return [lo * target / sum(low) for lo in low]


def _span(element, name):
    try:
        return max(1, min(int(element.get(name, "1")), 100))
    except ValueError:
        return 1


def _inline_of(element, look, scope=()):
    out = []
    _inline(element, look, out, scope)
    return out


def _empty_paragraph(parent, look):
    """An empty paragraph as tall as a line of `look` (an empty table cell)."""
    p = etree.SubElement(parent, qn("w:p"))
    pPr = etree.SubElement(p, qn("w:pPr"))
    if look.line:
        spacing = etree.SubElement(pPr, qn("w:spacing"))
        spacing.set(qn("w:line"), str(round(look.line * 240)))
        spacing.set(qn("w:lineRule"), "auto")
    etree.SubElement(etree.SubElement(pPr, qn("w:rPr")), qn("w:sz")).set(qn("w:val"), str(round(look.size * 2)))
    return p


def _size_element(points):
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(int(points * 2)))
    return size


def _rpr_of_size(points):
    rpr = OxmlElement("w:rPr")
    rpr.append(_size_element(points))
    return rpr


def _tc(tr, width, colspan, vmerge, valign, shade=False):
    """A cell appended to the row `tr`, its properties in the schema's order (no paragraph yet)."""
    tc = etree.SubElement(tr, qn("w:tc"))
    tcPr = etree.SubElement(tc, qn("w:tcPr"))
    tcW = etree.SubElement(tcPr, qn("w:tcW"))
    tcW.set(qn("w:w"), str(int(Emu(int(width)).twips)))
    tcW.set(qn("w:type"), "dxa")
    if colspan > 1:
        etree.SubElement(tcPr, qn("w:gridSpan")).set(qn("w:val"), str(colspan))
    if vmerge == "restart":
        etree.SubElement(tcPr, qn("w:vMerge")).set(qn("w:val"), "restart")
    elif vmerge == "continue":
        etree.SubElement(tcPr, qn("w:vMerge"))
    if shade:
        shd = etree.SubElement(tcPr, qn("w:shd"))
        for name, value in (("val", "clear"), ("color", "auto"), ("fill", "ECECEC")):
            shd.set(qn(f"w:{name}"), value)
    etree.SubElement(tcPr, qn("w:vAlign")).set(qn("w:val"), valign)
    return tc

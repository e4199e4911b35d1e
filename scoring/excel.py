"""Excel on both ends: the scoreboard and scorecard exports, and the self-score import.

The sheets are documents for Vietnamese readers, so their headings are Vietnamese text;
the messages shown on screen go through gettext. Numbers are written as numbers (not
localised), text that a spreadsheet could run as a formula is escaped.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from common import workbooks

from . import selectors, services
from .enums import COMPUTED_KINDS
from .models import NOTE_MAX_LENGTH

TEMPLATE_MARKER = "cum-thi-dua:scorecard:v1"
META_SHEET = "meta"
SCORECARD_HEADERS = [
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
SCORECARD_WIDTHS = [12, 60, 11, 12, 40, 14, 40, 10, 14]
SCORE_COLUMN, NOTE_COLUMN = 4, 5  # 1-based, as in Excel: D and E
#: A computed criterion (target, pass/fail, per occurrence): the province types the figure here (I)
#: and the self-score follows from it.
UNIT_COLUMN, FIGURE_COLUMN = 8, 9
NUMBER_FORMAT = "0.00"
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
#: As in the scorecard form: a note longer than this is refused, here row by row.
#: A text cell starting with one of these could be run as a formula (CSV/formula injection);
#: the apostrophe itself is escaped too so that the escape can be undone exactly.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")

BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
SECTION_FILL = PatternFill("solid", fgColor="D9D9D9")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_FILL = PatternFill("solid", fgColor="BDD7EE")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
INSTRUCTIONS = (
    "Chỉ nhập vào hai cột «Điểm tự chấm» và «Ghi chú» (ô nền vàng) ở các dòng tiêu chí; "
    "dòng mục và dòng nhóm tiêu chí (in đậm, nền xám) không chấm điểm. "
    "Số thập phân dùng dấu phẩy hoặc dấu chấm."
)


def safe_text(value):
    """The text as a spreadsheet must show it, never as a formula (leading apostrophe)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def unescape_text(text):
    """Undo `safe_text` for a value read back from an exported template."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def _print_setup(sheet, header_row):
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def _title(sheet, row, text, width, font=BOLD):
    sheet.cell(row=row, column=1, value=safe_text(text)).font = font
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _header(sheet, row, headers):
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=safe_text(text))
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _number(sheet, row, column, value):
    cell = sheet.cell(row=row, column=column, value=value)
    cell.number_format = NUMBER_FORMAT
    return cell


def _local_date(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


# --- Scoreboard ---------------------------------------------------------------------------


def scoreboard_workbook(emulation_year):
    """The year's scoreboard (ranks, section subtotals, totals) for printing on A4 landscape."""
    table, rows = selectors.scoreboard_rows(emulation_year)
    board = selectors.scoreboard_of(emulation_year)
    codes = [block.section.code for block in table.sections]
    headers = ["Hạng", "Tỉnh", *codes, "Tổng tự chấm", "Tổng thống nhất", "Chênh lệch"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Bảng điểm {emulation_year.year}"
    _title(
        sheet,
        1,
        f"{emulation_year.cluster.name} – Bảng điểm thi đua năm {emulation_year.year}",
        len(headers),
        TITLE_FONT,
    )
    state = (
        f"Kết quả chính thức, khóa ngày {_local_date(board.locked_at)}"
        if board.is_locked
        else f"Xếp hạng tạm thời, xuất ngày {_local_date(timezone.now())}"
    )
    _title(sheet, 2, state, len(headers))
    header_row = 4
    _header(sheet, header_row, headers)
    sheet.cell(row=header_row + 1, column=2, value="Điểm tối đa").font = BOLD
    for column, block in enumerate(table.sections, start=3):
        _number(sheet, header_row + 1, column, block.max_points)
    for offset, r in enumerate(rows, start=header_row + 2):
        sheet.cell(row=offset, column=1, value=r.rank)
        sheet.cell(row=offset, column=2, value=safe_text(r.membership.province.name))
        for column, points in enumerate(r.section_points, start=3):
            _number(sheet, offset, column, points)
        last = 3 + len(codes)
        for column, value in enumerate((r.self_total, r.agreed_total, r.difference), start=last):
            _number(sheet, offset, column, value)
    for column, width in enumerate([7, 24, *[9] * len(codes), 14, 16, 12], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    _print_setup(sheet, header_row)
    return workbook


# --- Detailed score table ------------------------------------------------------------------

DETAIL_FIXED = ["Mã", "Tiêu chí", "Điểm tối đa"]
DETAIL_WIDTHS = [9, 50, 10]
DETAIL_SCORE_WIDTH = 10
ITALIC = Font(italic=True)


def _detail_row(sheet, row, code, title, maximum, pairs, *, font=None, fill=None):
    sheet.cell(row=row, column=1, value=safe_text(code))
    sheet.cell(row=row, column=2, value=safe_text(title)).alignment = WRAP
    _number(sheet, row, 3, maximum)
    for index, (own, agreed) in enumerate(pairs):
        _number(sheet, row, 4 + 2 * index, own)
        _number(sheet, row, 5 + 2 * index, agreed)
    if font or fill:
        for column in range(1, 4 + 2 * len(pairs)):
            cell = sheet.cell(row=row, column=column)
            if font:
                cell.font = font
            if fill:
                cell.fill = fill


def score_detail_workbook(emulation_year):
    """Every criterion's self and agreed score for every member (the ranking's order), with
    section subtotals, totals and ranks: the detailed table, printable on A4 landscape."""
    detail = selectors.score_detail_table(emulation_year)
    board = selectors.scoreboard_of(emulation_year)
    members = detail.members
    width = len(DETAIL_FIXED) + 2 * len(members)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Chi tiết {emulation_year.year}"
    title = f"{emulation_year.cluster.name} – Bảng tổng hợp điểm chi tiết năm {emulation_year.year}"
    _title(sheet, 1, title, width, TITLE_FONT)
    state = (
        f"Kết quả chính thức, khóa ngày {_local_date(board.locked_at)}"
        if board.is_locked
        else f"Xếp hạng tạm thời, xuất ngày {_local_date(timezone.now())}"
    )
    with translation.override("vi"):
        agreed_by = detail.agreed_by.text
    _title(
        sheet, 2, f"{state} · TC: điểm tự chấm; TN: điểm thống nhất" + (f" · {agreed_by}" if agreed_by else ""), width
    )
    top = 4
    _header(sheet, top, [*DETAIL_FIXED, *[text for m in members for text in (m.province.name, "")]])
    _header(sheet, top + 1, ["", "", "", *["TC", "TN"] * len(members)])
    for column in range(1, len(DETAIL_FIXED) + 1):
        sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
    for index in range(len(members)):
        column = len(DETAIL_FIXED) + 1 + 2 * index
        sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + 1)
    sheet.row_dimensions[top].height = 30
    row = top + 1
    for block in detail.sections:
        row += 1
        empty = [(None, None)] * len(members)
        _detail_row(
            sheet, row, block.section.code, block.section.title, block.max_points, empty, font=BOLD, fill=SECTION_FILL
        )
        for line in block.lines:
            row += 1
            indent = "   " * line.depth
            _detail_row(
                sheet,
                row,
                line.criterion.code,
                f"{indent}{line.criterion.title}",
                line.max_points,
                line.cells,
                font=None if line.is_leaf else ITALIC,
                fill=None if line.is_leaf else GROUP_FILL,
            )
        row += 1
        _detail_row(sheet, row, "", f"Cộng mục {block.section.code}", block.max_points, block.subtotals, font=BOLD)
    row += 1
    _detail_row(sheet, row, "", "TỔNG ĐIỂM", detail.max_total, detail.totals, font=BOLD, fill=SECTION_FILL)
    row += 1
    sheet.cell(row=row, column=2, value="Xếp hạng").font = BOLD
    for index, member in enumerate(members):
        column = len(DETAIL_FIXED) + 1 + 2 * index
        cell = sheet.cell(row=row, column=column, value=member.rank)
        cell.font, cell.alignment = BOLD, Alignment(horizontal="center")
        if member.tied:
            cell.value = f"{member.rank} (đồng hạng)"
        sheet.merge_cells(start_row=row, start_column=column, end_row=row, end_column=column + 1)
    for column, column_width in enumerate(DETAIL_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = column_width
    for column in range(len(DETAIL_FIXED) + 1, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = DETAIL_SCORE_WIDTH
    # As `_print_setup`, but with two header rows and the criterion columns frozen and repeated.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{top}:{top + 1}"
    sheet.print_title_cols = "A:C"
    sheet.freeze_panes = f"{get_column_letter(len(DETAIL_FIXED) + 1)}{top + 2}"
    return workbook


# --- Scorecard template ----------------------------------------------------------------------


def scorecard_workbook(scorecard):
    """One scorecard as a template to fill in: only the self-score and note of leaf criteria
    are read back by `parse_scorecard_workbook`; the very hidden "meta" sheet identifies it."""
    emulation_year = scorecard.emulation_year
    table = selectors.criteria_table(emulation_year)
    scores = selectors.scores_by_criterion(scorecard)
    width = len(SCORECARD_HEADERS)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tự chấm điểm"
    with translation.override("vi"):
        status = str(scorecard.get_status_display())
    title = f"Bảng tự chấm điểm thi đua năm {emulation_year.year} – {scorecard.province.name}"
    _title(sheet, 1, title, width, TITLE_FONT)
    exported = _local_date(timezone.now())
    subtitle = f"{emulation_year.cluster.name} · Trạng thái: {status} · Xuất ngày {exported}"
    _title(sheet, 2, subtitle, width)
    _title(sheet, 3, INSTRUCTIONS, width)
    sheet.row_dimensions[3].height = 30
    sheet.cell(row=3, column=1).alignment = WRAP
    header_row = 5
    _header(sheet, header_row, SCORECARD_HEADERS)
    row = header_row
    for block in table.sections:
        row += 1
        sheet.cell(row=row, column=1, value=safe_text(block.section.code))
        sheet.cell(row=row, column=2, value=safe_text(block.section.title))
        _number(sheet, row, 3, block.max_points)
        for column in range(1, width + 1):
            cell = sheet.cell(row=row, column=column)
            cell.font, cell.fill = BOLD, SECTION_FILL
        for item in block.rows:
            row += 1
            _criterion_row(sheet, row, item, scores.get(item.criterion.pk))
    for column, column_width in enumerate(SCORECARD_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = column_width
    _print_setup(sheet, header_row)
    sheet.protection.sheet = True  # guards codes and maximums; the yellow cells stay editable
    sheet.protection.formatColumns = sheet.protection.formatRows = False

    meta = workbook.create_sheet(META_SHEET)
    for key, value in [
        ("marker", TEMPLATE_MARKER),
        ("scorecard", scorecard.pk),
        ("year", emulation_year.year),
        ("province_code", scorecard.province.code),
        ("province", scorecard.province.name),
        ("header_row", header_row),
    ]:
        meta.append([key, safe_text(value) if isinstance(value, str) else value])
    meta.sheet_state = "veryHidden"
    return workbook


def _criterion_row(sheet, row, item, score):
    criterion = item.criterion
    sheet.cell(row=row, column=1, value=safe_text(criterion.code))
    title = sheet.cell(row=row, column=2, value=safe_text(criterion.title))
    title.alignment = Alignment(wrap_text=True, vertical="top", indent=item.depth)
    _number(sheet, row, 3, item.max_points)
    if not item.is_leaf:
        for column in range(1, len(SCORECARD_HEADERS) + 1):
            cell = sheet.cell(row=row, column=column)
            cell.font, cell.fill = BOLD, GROUP_FILL
        return
    computed = criterion.kind in COMPUTED_KINDS
    for column in (FIGURE_COLUMN if computed else SCORE_COLUMN, NOTE_COLUMN):
        cell = sheet.cell(row=row, column=column)
        cell.fill, cell.protection = INPUT_FILL, Protection(locked=False)
    if computed:
        sheet.cell(row=row, column=UNIT_COLUMN, value=safe_text(criterion.unit))
    if score is None:
        return
    if computed:
        _number(sheet, row, FIGURE_COLUMN, score.reported_value)
    _number(sheet, row, SCORE_COLUMN, score.self_score)
    sheet.cell(row=row, column=NOTE_COLUMN, value=safe_text(score.note)).alignment = WRAP
    _number(sheet, row, 6, score.agreed_score)
    sheet.cell(row=row, column=7, value=safe_text(score.agreed_reason)).alignment = WRAP


# --- Import ----------------------------------------------------------------------------------


def _check_size(file):
    if file.size > MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is too large for a scorecard template (at most 2 MB)."))


def _meta(workbook):
    if META_SHEET not in workbook.sheetnames:
        return {}
    rows = workbooks.sheet_rows(workbook[META_SHEET], max_col=2, max_row=20)
    return {str(key.value): value.value for key, value in rows if key.value is not None}


def _check_template(workbook, scorecard):
    """The rows of the template's sheet and its header row, or a ValidationError naming what
    is wrong (a sheet past the limits of `common.workbooks` is refused before it is read)."""
    meta = _meta(workbook)
    if meta.get("marker") != TEMPLATE_MARKER:
        raise ValidationError(
            _(
                "This workbook is not a scorecard template of this software. Download the template "
                "from the scorecard page, fill it in and import it."
            )
        )
    if (meta.get("scorecard"), meta.get("year"), meta.get("province_code")) != (
        scorecard.pk,
        scorecard.emulation_year.year,
        scorecard.province.code,
    ):
        raise ValidationError(
            _(
                "This template belongs to another scorecard (%(province)s, %(year)s). Download the "
                "template of this scorecard."
            )
            % {"province": unescape_text(str(meta.get("province"))), "year": meta.get("year")}
        )
    header_row = meta.get("header_row")
    rows = workbooks.sheet_rows(workbook.worksheets[0], max_col=FIGURE_COLUMN)
    headers = (
        [cell.value for cell in rows[header_row - 1]]
        if isinstance(header_row, int) and 0 < header_row <= len(rows)
        else []
    )
    if headers != SCORECARD_HEADERS[:FIGURE_COLUMN] or len(rows) > header_row + MAX_IMPORT_ROWS:
        raise ValidationError(
            _(
                "The columns of the template have been changed. Download the template again and "
                "type only in the self-score and note columns."
            )
        )
    return rows, header_row


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape_text(str(value).strip())


def _row_error(number, code, message):
    values = {"row": number, "code": code, "message": message}
    if code:
        return _("Row %(row)s (%(code)s): %(message)s") % values
    return _("Row %(row)s: %(message)s") % values


def parse_scorecard_workbook(scorecard, file):
    """The self-scores and notes of a filled template: {criterion id: (Decimal or None, note)}.

    Every row is checked; a ValidationError lists every problem at once, each naming its
    Excel row. Rows of sections and groups are skipped (an error if a score was typed there);
    criteria missing from the file are left as they are.
    """
    _check_size(file)
    with workbooks.open_workbook(file) as workbook:
        rows, header_row = _check_template(workbook, scorecard)
    table = selectors.criteria_table(scorecard.emulation_year)
    section_codes = {block.section.code for block in table.sections}
    by_section_and_code, by_code = {}, {}
    for block in table.sections:
        for item in block.rows:
            by_section_and_code[(block.section.code, item.criterion.code)] = item
            by_code.setdefault(item.criterion.code, []).append(item)

    year = scorecard.emulation_year.year
    errors, entries, seen = [], {}, {}
    section = None
    for number, cells in enumerate(rows[header_row:], start=header_row + 1):
        code = _cell_text(cells[0].value)
        score_cell = cells[SCORE_COLUMN - 1]
        typed = _cell_text(score_cell.value)
        if code in section_codes:
            section = code
            if typed:
                errors.append(_row_error(number, code, _("A section heading takes no score.")))
            continue
        if not code:
            if typed:
                errors.append(_row_error(number, "", _("The score has no criterion code.")))
            continue
        item = by_section_and_code.get((section, code))
        if item is None and len(by_code.get(code, [])) == 1:
            item = by_code[code][0]
        if item is None:
            message = _("There is no such criterion in the scorecard of %(year)s.")
            errors.append(_row_error(number, code, message % {"year": year}))
            continue
        if not item.is_leaf:
            if typed:
                message = _("A group of criteria takes no score: its score is the sum of its sub-criteria.")
                errors.append(_row_error(number, code, message))
            continue
        if item.criterion.pk in seen:
            message = _("This criterion is already in row %(row)s.")
            errors.append(_row_error(number, code, message % {"row": seen[item.criterion.pk]}))
            continue
        seen[item.criterion.pk] = number
        if item.criterion.kind in COMPUTED_KINDS:  # the figure is read; the score cell is computed
            score_cell = cells[FIGURE_COLUMN - 1]
            typed = _cell_text(score_cell.value)
        if score_cell.data_type == "f":
            errors.append(_row_error(number, code, _("Type the score itself, not a formula.")))
            continue
        try:
            if item.criterion.kind in COMPUTED_KINDS:
                value = services.parse_figure_and_score(item.criterion, typed)[0]
            else:
                value = services.parse_and_check(item.criterion, typed)
        except ValidationError as error:
            errors.extend(_row_error(number, code, message) for message in error.messages)
            continue
        note = _cell_text(cells[NOTE_COLUMN - 1].value)
        if len(note) > NOTE_MAX_LENGTH:
            message = _("The note is %(length)s characters long; it may hold at most %(limit)s.")
            errors.append(_row_error(number, code, message % {"length": len(note), "limit": NOTE_MAX_LENGTH}))
            continue
        entries[item.criterion.pk] = (value, note)
    if errors:
        raise ValidationError(errors)
    if not entries:
        raise ValidationError(_("The file holds no criterion to import."))
    return entries


def scorecard_import(*, scorecard, user, file):
    """Save the self-scores and notes of a filled template, all or nothing; returns how many
    criteria were read. Raises ValidationError listing every problem."""
    entries = parse_scorecard_workbook(scorecard, file)
    services.scorecard_save_self(scorecard=scorecard, user=user, version=scorecard.version, entries=entries)
    return len(entries)

"""Opening an uploaded Excel workbook (.xlsx) without letting it take the server down.

An .xlsx file is a zip of XML files: a 2 MB upload can unpack to gigabytes, and a sheet can
declare, or hold, millions of rows. Before openpyxl sees the file, `open_workbook` checks the
zip's members against the limits below; the workbook is then opened in read-only (streaming)
mode, and `sheet_rows` counts a sheet's rows and cells in one streaming pass, stopping at the
first limit passed, before reading it. Every refusal is a ValidationError in plain words.
A leaf module: it imports no app of the project.
"""

import re
import warnings
import zipfile
from contextlib import contextmanager
from xml.etree.ElementTree import ParseError, XMLPullParser

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.xml.constants import SHEET_MAIN_NS

#: What a workbook may unpack to, in all and per member of its zip, and how many members.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 10 * 1024 * 1024
MAX_MEMBERS = 500
#: What one sheet may hold (declared in its <dimension> or actually present).
MAX_ROWS = 5_000
MAX_COLUMNS = 50
MAX_CELLS = 100_000

ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
CELL_TAG = f"{{{SHEET_MAIN_NS}}}c"
CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})(\d+)$")
CHUNK = 64 * 1024


def not_a_workbook():
    return ValidationError(_("This file is not an Excel workbook (.xlsx)."))


def check_package(file):
    """Refuse a file that is not a zip, or whose members unpack to too much (the sizes come
    from the zip's directory; Python's zipfile never unpacks a member past its stated size)."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise not_a_workbook() from error
    finally:
        file.seek(0)
    unpacked = sum(member.file_size for member in members)
    if (
        len(members) > MAX_MEMBERS
        or unpacked > MAX_UNPACKED_BYTES
        or any(member.file_size > MAX_MEMBER_BYTES for member in members)
    ):
        raise ValidationError(
            _("This workbook unpacks to more than %(limit)s: it is too large to import.")
            % {"limit": filesizeformat(MAX_UNPACKED_BYTES)}
        )


@contextmanager
def open_workbook(file):
    """The workbook in read-only mode, after `check_package`; closed on leaving the block."""
    check_package(file)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            workbook = load_workbook(file, read_only=True)
    except Exception as error:
        raise not_a_workbook() from error
    try:
        yield workbook
    finally:
        workbook.close()


def too_large(sheet):
    return ValidationError(
        _("The sheet %(sheet)s is too large to import: at most %(rows)s rows, %(columns)s columns and %(cells)s cells.")
        % {
            "sheet": sheet.title,
            "rows": number_format(MAX_ROWS, force_grouping=True),
            "columns": MAX_COLUMNS,
            "cells": number_format(MAX_CELLS, force_grouping=True),
        }
    )


def _count(source, sheet):
    """The last row number of the sheet's XML, read as a stream; ValidationError as soon as
    a row, a column or the number of cells passes its limit."""
    parser = XMLPullParser(events=("start", "end"))
    rows = cells = last_row = column = 0
    open_elements = []
    try:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            parser.feed(chunk)
            for event, element in parser.read_events():
                if event == "end":
                    open_elements.pop()
                    if open_elements:
                        open_elements[-1].clear()  # keep nothing of what was read
                    continue
                open_elements.append(element)
                if element.tag == ROW_TAG:
                    rows += 1
                    number = element.get("r")
                    last_row = int(number) if number and number.isdigit() else last_row + 1
                    column = 0
                    if rows > MAX_ROWS or last_row > MAX_ROWS:
                        raise too_large(sheet)
                elif element.tag == CELL_TAG:
                    cells += 1
                    reference = element.get("r")
                    if reference is None:
                        column += 1
                    elif match := CELL_REFERENCE.match(reference):
                        column = column_index_from_string(match[1].upper())
                    else:
                        raise not_a_workbook()
                    if cells > MAX_CELLS or column > MAX_COLUMNS:
                        raise too_large(sheet)
        parser.close()
    except (ParseError, ValueError) as error:
        raise not_a_workbook() from error
    return last_row


def sheet_rows(sheet, *, max_col, max_row=None):
    """The rows of a read-only sheet (tuples of `max_col` cells), within the limits above."""
    declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
    if declared_rows > MAX_ROWS or declared_columns > MAX_COLUMNS or declared_rows * declared_columns > MAX_CELLS:
        raise too_large(sheet)
    # openpyxl 3.1's read-only sheet: the stream of its XML, opened afresh on each call.
    with sheet._get_source() as source:
        last_row = _count(source, sheet)
    if not last_row:
        return []
    sheet.reset_dimensions()  # read what is there, not what the <dimension> claims
    last_row = min(last_row, max_row) if max_row else last_row
    try:
        return list(sheet.iter_rows(min_row=1, max_row=last_row, max_col=max_col))
    except Exception as error:  # openpyxl fails in many ways on crafted XML: none is a workbook
        raise not_a_workbook() from error

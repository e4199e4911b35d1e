import datetime
from decimal import Decimal as D

import pytest

from reports.formatting import document_number, place_date_line, vn_day_month, vn_number, vn_percent


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2015, 3, 4), "ngày 04 tháng 3 năm 2015"),
        (datetime.date(2015, 1, 15), "ngày 15 tháng 01 năm 2015"),
        (datetime.date(2016, 2, 9), "ngày 09 tháng 02 năm 2016"),
        (datetime.date(2015, 12, 31), "ngày 31 tháng 12 năm 2015"),
        (datetime.date(2015, 10, 1), "ngày 01 tháng 10 năm 2015"),
    ],
)
def test_vietnamese_date(day, expected):
    assert vn_day_month(day) == expected


def test_place_date_line():
    assert place_date_line("Phú Thọ", datetime.date(2015, 3, 4)) == "Phú Thọ, ngày 04 tháng 3 năm 2015"


@pytest.mark.parametrize(
    ("number", "symbol", "expected"), [(3, "BB", "03/BB-CTĐ"), (12, "BC", "12/BC-CTĐ"), (1, "GƯ", "01/GƯ-CTĐ")]
)
def test_document_number(number, symbol, expected):
    assert document_number(number, symbol) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(D("100.5"), 2, "100,50"), (D("1234.5"), 2, "1.234,50"), (D("-1"), 2, "-1,00"), (D("0"), 1, "0,0")],
)
def test_vn_number(value, digits, expected):
    assert vn_number(value, digits) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(D("85.714"), "85,7%"), (D("100"), "100%"), (D("71.4"), "71,4%"), (D("50.0"), "50%")]
)
def test_vn_percent(value, expected):
    assert vn_percent(value) == expected


@pytest.mark.parametrize("sections", [1, 4, 6])
def test_a_fixed_table_s_columns_fill_the_width_exactly(sections):
    import re

    from reports.templatetags.vn_docs import data_columns

    html = data_columns("5 17", sections, 40, "10 10 9 9")
    widths = [float(w) for w in re.findall(r"width:([0-9.]+)%", html)]
    assert len(widths) == 2 + sections + 4
    assert sum(widths) == pytest.approx(100, abs=0.05)
    assert widths[2:-4] == [pytest.approx(40 / sections, abs=0.01)] * sections


def test_a_fixed_table_s_widths_are_numbers_only():
    from reports.templatetags.vn_docs import data_columns

    with pytest.raises(ValueError, match="could not convert"):
        data_columns('5" onload="x', 2, 40, "10")

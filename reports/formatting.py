"""How Vietnamese official documents write dates and numbers (decree 30/2020/NĐ-CP). Pure."""

import datetime
from decimal import Decimal


def vn_day_month(day: datetime.date) -> str:
    """ "ngày 04 tháng 3 năm 2015": a leading zero for days under 10 and for months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date_line(place: str, day: datetime.date) -> str:
    return f"{place}, {vn_day_month(day)}"


def document_number(number: int, symbol: str, issuer: str = "CTĐ") -> str:
    """ "03/BB-CTĐ": numbers under 10 get a leading zero, no spaces."""
    return f"{number:02d}/{symbol}-{issuer}"


def vn_number(value, digits: int = 2) -> str:
    """1234.5 → "1.234,50" (digits=2); trailing zeros kept, as in a table of scores."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-digits) if digits else Decimal(1)
    text = f"{Decimal(value).quantize(quantum):,.{digits}f}"
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def vn_percent(value, digits: int = 1) -> str:
    """85.714 → "85,7%"; a whole number without decimals ("100%")."""
    text = vn_number(value, digits)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text}%"


def vn_amount(value) -> str:
    """A number in prose: decimal comma, no trailing zeros ("100", "99,5", "1.234,25")."""
    if value is None:
        return ""
    text = vn_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def sentence(text) -> str:
    """User text set inside a sentence of ours, stripped of its own closing punctuation and
    spaces: the document never shows a doubled full stop or a semicolon before one."""
    return (text or "").strip().rstrip(" .;,:").strip()


AWARD_PHRASES = {
    "flag": "Chính phủ tặng Cờ thi đua",
    "certificate": "Thủ tướng Chính phủ tặng Bằng khen",
}


def award_phrase(code, name="") -> str:
    """ "được suy tôn đề nghị Chính phủ tặng Cờ thi đua": who awards what, for a sentence."""
    return AWARD_PHRASES.get(code) or f"tặng {name}"

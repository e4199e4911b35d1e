from django import template
from django.utils.safestring import mark_safe

from reports import formatting

register = template.Library()


@register.filter
def vn_number(value, digits=2):
    return formatting.vn_number(value, int(digits))


@register.filter
def vn_percent(value, digits=1):
    return formatting.vn_percent(value, int(digits))


@register.filter
def vn_date(day):
    return formatting.vn_day_month(day) if day else ""


@register.filter
def upper_vi(text):
    return (text or "").upper()


@register.filter
def vn_amount(value):
    return formatting.vn_amount(value)


@register.filter
def sentence(text):
    return formatting.sentence(text)


@register.filter
def paragraphs(text):
    """A written part as its paragraphs (one per non-empty line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def award_phrase(award_type):
    """The award as a sentence names it: "Chính phủ tặng Cờ thi đua", "Thủ tướng Chính phủ tặng Bằng khen"."""
    return formatting.award_phrase(getattr(award_type, "code", ""), getattr(award_type, "name", ""))


@register.filter
def two_digits(number):
    return f"{int(number):02d}" if number is not None else ""


@register.filter
def css_string(text):
    """Text safe inside a CSS string ("…"): quotes, backslashes, angle brackets and every control
    character escaped the CSS way (a hexadecimal escape and a space)."""
    escaped = "".join(
        f"\\{ord(c):X} " if c in "\"'\\<>" or ord(c) < 0x20 or ord(c) == 0x7F else c for c in str(text or "")
    )
    return mark_safe(escaped)  # noqa: S308 - every character that could end the string is escaped


#: Widths in Liberation Serif (Times New Roman's metrics): digits and the figure space U+2007 are
#: half an em; the comma, the full stop and the punctuation space U+2008 a quarter (the minus sign,
#: kept a plain "-" so that the figure reads and searches as written, a third). A value padded to
#: the same width in these units lines up under the one above it.
FIGURE_SPACE, PUNCTUATION_SPACE = "\u2007", "\u2008"
PAIR_WIDTH = 10  # quarter-ems: "99,50" (the widest score of a criterion)
PAIR_GAP = "\u2002\u2009"  # an en space and a thin space: the two halves of the cell


def _figures(value):
    text = formatting.vn_number(value) if value is not None else ""
    units = sum(1 if c in ",.-" else 2 for c in text)
    missing = max(PAIR_WIDTH - units, 0)
    return FIGURE_SPACE * (missing // 2) + PUNCTUATION_SPACE * (missing % 2) + text


@register.filter
def vn_pair(own, agreed):
    """A self score and an agreed score in one cell of the detailed table, each right-aligned in
    its half ("  9,00  8,00"): one text instead of two cells, for a table of thousands of
    figures (reports/pdf/score_detail.html draws the line between the halves)."""
    if own is None and agreed is None:
        return ""
    return f"{_figures(own)}{PAIR_GAP}{_figures(agreed)}"


@register.simple_tag
def data_columns(fixed_before, count, share, fixed_after):
    """The `<colgroup>` of a table laid out with `table-layout: fixed` (the column widths are
    set, not measured from every cell: a fifth of a table's render): `fixed_before` and
    `fixed_after` are widths in % separated by spaces, and `count` columns share `share` %."""
    each = f"{float(share) / max(int(count), 1):.2f}%"
    before, after = ([f"{float(w):g}%" for w in widths.split()] for widths in (fixed_before, fixed_after))
    widths = before + [each] * count + after
    return mark_safe("<colgroup>" + "".join(f'<col style="width:{w}">' for w in widths) + "</colgroup>")  # noqa: S308 (numbers only)

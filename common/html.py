"""Building HTML in Python where a template loop is too slow (the scorecard grids: 500 rows).

`escape` is Django's escaping (the same five characters, `'` as `&#x27;`) without the lazy-string
wrapper of `django.utils.html.escape`, which costs more than the escaping itself when called
10,000 times a page; a `SafeData` value (built by `join` or `format_html`) passes unchanged.
`join` is the only way out: it returns a `SafeString` of pieces that are each either escaped
here or already safe.
"""

import functools
from decimal import Decimal
from html import escape as _escape

from django.utils.formats import localize, number_format
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import get_language


def escape(value):
    if isinstance(value, SafeData):
        return str(value)
    return _escape(str(value), quote=True)


def join(*pieces):
    """The pieces, each escaped unless already safe, one after the other, as safe HTML."""
    out = []
    for piece in pieces:
        if isinstance(piece, SafeData):
            out.append(piece)
        elif piece is not None:
            out.append(_escape(str(piece), quote=True))
    return SafeString("".join(out))


@functools.lru_cache(maxsize=8192)
def _formatted(text, language, places):
    value = Decimal(text)
    return localize(value) if places is None else number_format(value, places)


def number(value, empty="—", language=None):
    """A score as the page shows it ("8,50" in Vietnamese), cached: a page shows the same few
    hundred values thousands of times. `language`: the page's, read once by the caller."""
    if value is None:
        return empty
    if not isinstance(value, Decimal):
        return localize(value)
    # By its text: Decimal("8.5") == Decimal("8.50").
    return _formatted(str(value), language or get_language(), None)


def two_places(value, language=None):
    """A value as a grid's input holds it ("8,50" in Vietnamese: `number_format(value, 2)`),
    cached like `number`."""
    return _formatted(str(value), language or get_language(), 2)

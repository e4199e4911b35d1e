"""Geometry of the horizontal bar chart of agreed totals (drawn as inline SVG by the
template, so the web page and the PDF show the same chart)."""

from dataclasses import dataclass
from decimal import Decimal

LABEL_WIDTH = 150
BAR_AREA = 400
ROW_HEIGHT = 30
WIDTH = LABEL_WIDTH + BAR_AREA + 90


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    rank: int | None
    y: int
    width: float


def bar_chart(rows, maximum=None):
    """rows: (label, value, rank) with value a Decimal; the longest bar is the maximum
    (or the scorecard's maximum when given and larger)."""
    rows = [r for r in rows if r[1] is not None]
    top = max([r[1] for r in rows] + [maximum or Decimal("0")]) or Decimal("1")
    bars = [
        Bar(label, value, rank, i * ROW_HEIGHT, round(float(max(value, Decimal("0")) / top) * BAR_AREA, 1))
        for i, (label, value, rank) in enumerate(rows)
    ]
    return {
        "bars": bars,
        "width": WIDTH,
        "height": len(bars) * ROW_HEIGHT + 6,
        "label_width": LABEL_WIDTH,
        "bar_x": LABEL_WIDTH + 8,
    }

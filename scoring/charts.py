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


#: The phone's chart: drawn narrower so that at 360 px wide its text is as large as on a laptop.
PHONE = {"label_width": 105, "bar_area": 170, "value_room": 55}


def bar_chart(
    rows, maximum=None, *, label_width=LABEL_WIDTH, bar_area=BAR_AREA, value_room=WIDTH - LABEL_WIDTH - BAR_AREA
):
    """rows: (label, value, rank) with value a Decimal; the longest bar is the maximum
    (or the scorecard's maximum when given and larger)."""
    rows = [r for r in rows if r[1] is not None]
    top = max([r[1] for r in rows] + [maximum or Decimal("0")]) or Decimal("1")
    bars = [
        Bar(label, value, rank, i * ROW_HEIGHT, round(float(max(value, Decimal("0")) / top) * bar_area, 1))
        for i, (label, value, rank) in enumerate(rows)
    ]
    return {
        "bars": bars,
        "width": label_width + bar_area + value_room,
        "height": len(bars) * ROW_HEIGHT + 6,
        "label_width": label_width,
        "bar_x": label_width + 8,
    }

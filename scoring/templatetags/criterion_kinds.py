"""The formula of a computed criterion in words, and a reported figure with its unit."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring import calculations

register = template.Library()


def _n(value):
    text = number_format(value, 2)
    return text[:-3] if text.endswith(",00") or text.endswith(".00") else text


@register.filter
def criterion_formula(criterion):
    """For example "Đạt ≥ 40 %: 10 điểm; dưới 40 %: theo tỷ lệ; dưới 20 %: 0"."""
    unit = f" {criterion.unit}" if criterion.unit else ""
    values = {"max": _n(criterion.max_points or 0), "unit": unit}
    if criterion.kind == calculations.TARGET:
        values["target"] = _n(criterion.target_value or 0)
        text = _("At or above %(target)s%(unit)s: %(max)s points; below %(target)s%(unit)s: in proportion") % values
        if criterion.floor_value is not None:
            values["floor"] = _n(criterion.floor_value)
            text += _("; below %(floor)s%(unit)s: 0") % values
        return text
    if criterion.kind == calculations.PASS_FAIL:
        return _("Passed (1): %(max)s points; not passed (0): 0") % values
    if criterion.kind == calculations.OCCURRENCE:
        values["per"] = _n(criterion.points_per_occurrence or 0)
        return _("%(per)s points per occurrence, at most %(max)s points") % values
    return ""


@register.filter
def figure_with_unit(value, unit):
    if value is None:
        return "—"
    return f"{_n(value)} {unit}".strip()

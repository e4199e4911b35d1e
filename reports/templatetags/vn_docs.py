from django import template

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

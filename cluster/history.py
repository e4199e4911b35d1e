"""The change history of a year's rule set, read from the django-simple-history table.

Every save through `cluster.services` leaves a historical row with its reason and author;
a change is the difference between two consecutive rows. One query whatever the number.
"""

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .models import RuleSet

EMPTY = "—"


def rule_set_history(rule_set):
    """[(historical row, [(field label, old, new)])], newest first; the first row lists nothing."""
    records = list(rule_set.history.select_related("history_user").order_by("history_date", "history_id"))
    entries, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            for name in RuleSet.COPIED_FIELDS:
                old, new = getattr(previous, name), getattr(record, name)
                if old != new:
                    label = RuleSet._meta.get_field(name).verbose_name
                    changes.append((label, shown(name, old), shown(name, new)))
        entries.append((record, changes))
        previous = record
    return list(reversed(entries))


def shown(name, value):
    """A rule as the page shows it: the choice's label, yes/no, 66,67, dd/mm/yyyy."""
    if value is None or value == "":
        return EMPTY
    model_field = RuleSet._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name.endswith("_date"):
        return date_format(value, "SHORT_DATE_FORMAT")
    if name.endswith(("_percent", "_quota")):
        decimals = len(format(value, "f").partition(".")[2].rstrip("0"))
        return number_format(value, decimal_pos=decimals)
    return str(value)

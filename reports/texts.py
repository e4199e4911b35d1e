"""The written parts of the minutes and the year-end report (domain §10): which parts each has,
and the Vietnamese draft the app writes for each from the year's facts (a template per part under
templates/reports/drafts/), which the secretary or the chair's staff then edit in the app."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .enums import DocumentKind

PARTS = {
    DocumentKind.MINUTES: [
        ("opening", _("Opening of the conference")),
        ("chair_report", _("The chair's report: the year's results and next year's tasks")),
        ("contributions", _("Members' contributions and discussion")),
        ("guidance", _("Guidance of the central delegate")),
        ("conclusions", _("Conclusions of the conference")),
    ],
    DocumentKind.YEAR_REPORT: [
        ("results_by_field", _("Results by field")),
        ("movements", _("The emulation movements")),
        ("strengths", _("Strengths")),
        ("shortcomings", _("Shortcomings")),
        ("causes", _("Causes of the shortcomings")),
        ("next_tasks", _("Next year's direction and tasks")),
        ("proposals", _("Proposals")),
    ],
}


def parts(kind):
    """(key, label) of the written parts of a document kind (none for the others)."""
    return PARTS.get(kind, [])


def part_keys(kind):
    return [key for key, _label in parts(kind)]


def draft(kind, key, context):
    """The app's Vietnamese draft of one part, from the document's facts."""
    with translation.override("vi"):
        text = render_to_string(f"reports/drafts/{kind}/{key}.txt", context)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())

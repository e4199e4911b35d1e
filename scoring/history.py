"""The change history of a scorecard, read from the django-simple-history tables.

Every save of a Score, Scorecard, Evidence or Criterion leaves a historical row (services set the
reason through `_change_reason`). A change is the difference between two consecutive
rows of the same object; a creation is compared with nothing ("—" → new value).
Four queries whatever the number of changes: the rows are paired in Python.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .enums import ScorecardStatus
from .models import Criterion, Evidence, Score, Scorecard

EMPTY = "—"

#: The fields shown, in the order a record's changes are listed, with their label.
SCORE_FIELDS = (
    ("self_score", gettext_lazy("Self-score")),
    ("note", gettext_lazy("Note")),
    ("agreed_score", gettext_lazy("Agreed score")),
    ("agreed_reason", gettext_lazy("Reason for the agreed score")),
)
SCORECARD_FIELDS = (
    ("status", gettext_lazy("Status")),
    ("return_reason", gettext_lazy("Reason for returning")),
)
EVIDENCE_FIELDS = (("original_name", gettext_lazy("Evidence file")),)
CRITERION_FIELDS = (
    ("title", gettext_lazy("Criterion title")),
    ("max_points", gettext_lazy("Maximum")),
)


@dataclass(frozen=True)
class ChangeEntry:
    when: datetime
    who: str
    what: str
    old: str
    new: str
    reason: str
    #: Tie-break for changes saved at the same instant: the history table's row id.
    history_id: int = 0


def _score_text(value):
    """A score with the Vietnamese decimal comma and no trailing zeros: 8,5 · 9 · -1."""
    digits = format(value, "f")
    decimals = len(digits.partition(".")[2].rstrip("0"))
    return number_format(value, decimal_pos=decimals)


def _display(field, value):
    if value is None or value == "":
        return EMPTY
    if isinstance(value, Decimal):
        return _score_text(value)
    if field == "status":
        try:
            return str(ScorecardStatus(value).label)
        except ValueError:
            return value
    return str(value)


def _who(record):
    user = record.history_user
    if user is None:
        return EMPTY
    return user.full_name or user.username


def _pairs(records):
    """(previous or None, record) for each record, per object, oldest first."""
    previous = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        yield previous.get(record.id), record
        previous[record.id] = record


def _entries(records, fields, label_of, *, skip_creation=False):
    """Entries for the `fields` that differ between consecutive rows of each object
    (a criterion's creation is the year's set-up, not a change: `skip_creation`)."""
    entries = []
    for before, record in _pairs(records):
        if skip_creation and record.history_type == "+":
            continue
        deleted = record.history_type == "-"
        for field, label in fields:
            if deleted:  # a deletion row holds the last values: they go, nothing replaces them
                old, new = getattr(record, field), None
            else:
                old = getattr(before, field) if before is not None else None
                new = getattr(record, field)
            if old == new or (old in (None, "") and new in (None, "")):
                continue
            entries.append(
                ChangeEntry(
                    when=record.history_date,
                    who=_who(record),
                    what=label_of(record, label),
                    old=_display(field, old),
                    new=_display(field, new),
                    reason=record.history_change_reason or "",
                    history_id=record.history_id,
                )
            )
    return entries


def scorecard_history(scorecard):
    """Every recorded change of the scorecard, its scores and its year's criteria, newest first.

    Four queries whatever the number of changes.
    """
    criterion_records = list(
        Criterion.history.filter(section__emulation_year_id=scorecard.emulation_year_id).select_related("history_user")
    )
    score_records = list(Score.history.filter(scorecard_id=scorecard.pk).select_related("history_user"))
    scorecard_records = list(Scorecard.history.filter(id=scorecard.pk).select_related("history_user"))
    # Uploads and removals of evidence: an evidence row's score never changes criterion.
    score_criteria = {r.id: r.criterion_id for r in score_records}
    evidence_records = list(Evidence.history.filter(score_id__in=list(score_criteria)).select_related("history_user"))

    # A criterion is named by its latest code (a deleted criterion keeps the code it had).
    codes = {}
    for record in sorted(criterion_records, key=lambda r: (r.history_date, r.history_id)):
        codes[record.id] = record.code

    def criterion_label(code, label):
        return _("%(criterion)s – %(field)s") % {"criterion": code, "field": label}

    entries = [
        *_entries(
            score_records,
            SCORE_FIELDS,
            lambda r, label: criterion_label(codes.get(r.criterion_id, "?"), label),
        ),
        *_entries(scorecard_records, SCORECARD_FIELDS, lambda r, label: str(label)),
        *_entries(
            evidence_records,
            EVIDENCE_FIELDS,
            lambda r, label: criterion_label(codes.get(score_criteria.get(r.score_id), "?"), label),
        ),
        *_entries(
            criterion_records,
            CRITERION_FIELDS,
            lambda r, label: criterion_label(codes[r.id], label),
            skip_creation=True,
        ),
    ]
    entries.sort(key=lambda e: (e.when, e.history_id), reverse=True)
    return entries

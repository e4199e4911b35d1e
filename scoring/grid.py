"""The scoring grids: the province's scorecard form, the chair's appraisal form and a member's
cross-scoring form have two or three inputs for each of 100-500 criteria. A Django form would
build, clean and bind a field object for each (1,500 at 500 criteria) and check every value a
second time: the services already check each typed value (`scoring.services`, the one place of
those rules) and name the refused input in their ValidationError. So a grid only reads what was
typed, carries the version read, and shows the service's errors next to their inputs.

Each input of a row is a `Cell` with the attributes a template reads from a bound field
(`html_name`, `id_for_label`, `value`, `errors`), so the page is one plain loop over rows.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import NOTE_MAX_LENGTH

#: The longest text a score or a reported figure input takes (a number: "1.234,56").
VALUE_MAX_LENGTH = 20


@dataclass(slots=True)
class Cell:
    html_name: str
    id_for_label: str
    value: str
    errors: list = field(default_factory=list)


class _Names:
    """`name in grid.fields`: the inputs of the grid, without building a list of 1,000 names."""

    def __init__(self, grid):
        self.grid = grid

    def __contains__(self, name):
        prefix, _sep, pk = str(name).rpartition("_")
        return pk.isdigit() and int(pk) in self.grid.leaf_ids and prefix in self.grid.prefixes


class Grid:
    """A form of one value and one text per leaf criterion (plus evidence files on the
    scorecard), bound to the POST data or filled from `initial` {input name: text}."""

    prefix_value = "score"
    prefix_text = "note"
    with_files = False

    def __init__(self, data=None, files=None, *, leaves, initial=None):
        self.data = data if data is not None else {}
        self.files = files if files is not None else {}
        self.is_bound = data is not None
        self.initial = initial or {}
        self.leaves = leaves
        self.leaf_ids = {c.pk for c in leaves}
        self.prefixes = {self.prefix_value, self.prefix_text, *(("evidence",) if self.with_files else ())}
        self.fields = _Names(self)
        self.errors = {}
        self.cleaned_data = {}

    # --- What the views need of a form ---------------------------------------------------------

    def is_valid(self):
        """The version, and what an input accepts at all (as a form field did: its length and no
        NUL character, with Django's own validators and messages); the service checks every
        value against its criterion and names the refused."""
        version = str(self.data.get("version", "")).strip()
        if not version.isdigit():
            self.add_error(None, [_("The form is incomplete: reload the page and enter the values again.")])
            return False
        self.cleaned_data["version"] = int(version)
        for c in self.leaves:
            for name, limit in (
                (f"{self.prefix_value}_{c.pk}", VALUE_MAX_LENGTH),
                (f"{self.prefix_text}_{c.pk}", NOTE_MAX_LENGTH),
            ):
                text = self.data.get(name)
                if text:
                    self._check_input(name, text.strip(), limit)
        return not self.errors

    def _check_input(self, name, text, limit):
        messages = []
        for validator in (MaxLengthValidator(limit), ProhibitNullCharactersValidator()):
            try:
                validator(text)
            except ValidationError as error:
                messages.extend(error.messages)
        if messages:
            self.add_error(name, messages)

    def add_error(self, name, messages):
        """`messages`: a text, or a list of texts or ValidationErrors (a service's error_dict)."""
        if isinstance(messages, str | ValidationError):
            messages = [messages]
        found = self.errors.setdefault(name or "__all__", [])
        for message in messages:
            found.extend(message.messages if isinstance(message, ValidationError) else [str(message)])

    def non_field_errors(self):
        return self.errors.get("__all__", [])

    @property
    def version(self):
        """The hidden input of the version read (a template writes `{{ form.version }}`)."""
        value = self.data.get("version", "") if self.is_bound else self.initial.get("version", "")
        return format_html('<input type="hidden" name="version" value="{}" id="id_version">', value)

    def cell(self, name):
        value = self.data.get(name, "") if self.is_bound else self.initial.get(name, "")
        return Cell(name, f"id_{name}", value if value is not None else "", self.errors.get(name, []))

    def cells(self, criterion_id):
        """(value, text, evidence or None) inputs of one leaf criterion."""
        evidence = self.cell(f"evidence_{criterion_id}") if self.with_files else None
        if evidence is not None:
            evidence.value = ""
        return (
            self.cell(f"{self.prefix_value}_{criterion_id}"),
            self.cell(f"{self.prefix_text}_{criterion_id}"),
            evidence,
        )

    def entries(self):
        """{criterion id: (typed value, typed text)} for the service."""
        get, value, text = self.data.get, self.prefix_value, self.prefix_text
        return {c.pk: (get(f"{value}_{c.pk}", ""), get(f"{text}_{c.pk}", "")) for c in self.leaves}

    def uploads(self):
        """{criterion id: [files]}: on a phone a criterion has two inputs of the same name (the
        camera and the files), so every file sent under the name counts."""
        if not self.with_files or not hasattr(self.files, "getlist"):
            return {}
        uploads = {}
        for c in self.leaves:
            files = [f for f in self.files.getlist(f"evidence_{c.pk}") if f]
            if files:
                uploads[c.pk] = files
        return uploads


class ScorecardGrid(Grid):
    """The province's self-scores (or reported figures), notes and evidence."""

    with_files = True


class AppraisalGrid(Grid):
    """The appraiser's agreed scores and reasons."""

    prefix_value, prefix_text = "agreed", "reason"


class PeerGrid(Grid):
    """A member's cross-scores and reasons."""

    prefix_value, prefix_text = "peer", "reason"

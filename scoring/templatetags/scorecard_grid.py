"""The rows of the scorecard page (each criterion: its name, maximum, score or reported figure,
note, evidence and agreed score), in edit and read mode.

Built here in Python, as Django's admin builds the rows of its change lists
(`admin_list.items_for_result`): the template loop cost about 0.4 ms a row and a scorecard has
up to 500 (issue 14). Every value goes through `common.html.escape` (`join`); the labels are
translated once per page; the rare parts of a row (the cross-scores given, the explanation
form) are still the templates `scoring/_given_cross_scores.html` and
`scoring/_explanation_form.html`. The markup is the template's: the inputs keep their names,
ids and accessible labels. A page writes a section's rows with one tag, `scorecard_rows` or
`appraisal_rows`. An editable row with nothing to flag (the staff's everyday page) is put
together from its fixed markup, built once per criteria version and language by these same
cell functions with markers where the row's values go (`_edit_parts`): half the rows' cost.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.html import escape, join, number
from common.memo import Versioned
from scoring.enums import AgreedSource, CriterionKind
from scoring.grid import Cell
from scoring.templatetags.criterion_kinds import criterion_formula, figure_with_unit

register = template.Library()

PATTERN = "-?[0-9]+([,.][0-9]{1,2})?"
ACCEPT = "image/*,application/pdf,.pdf,.jpg,.png,.docx,.xlsx,.doc,.xls"
PREVIEWED = ("pdf", "jpg", "png")
#: What the explanation form (`scoring/_explanation_form.html`) reads from the page's context.
EXPLANATION_CONTEXT = ("can_explain", "explain_criterion", "explain_text", "explain_errors", "explanation_deadline")
#: The id put in an address reversed once a page, then replaced by each row's own (`_address`).
SLOT = 2147483647
#: The criterion cells of the rows (name, kinds, guidance, maximum: nothing but the criteria and
#: the language), kept under the criteria table's versioned key: {criterion id: html}.
_criterion_cells = Versioned(size=128)
#: The fixed markup of the editable rows (`_edit_parts`), kept the same way but fewer (about 1.6
#: kB a criterion, against a tenth of that for a criterion cell): {(criterion id, computed): parts}.
_edit_rows = Versioned(size=48)


def _address(page, name, pk):
    return page[name].replace(f"/{SLOT}/", f"/{int(pk)}/")


def _page(context):
    """What every row of one page shares: the labels, the addresses, the page's flags."""
    cache = context.render_context
    if "scorecard_grid" not in cache:
        scorecard, table = context["scorecard"], context.get("table")
        language = get_language()
        key = getattr(table, "key", "")
        labels = {
            "maximum": _("Maximum"),
            "self_score": _("Self-score"),
            "reported_figure": _("Reported figure"),
            "reported_figure_colon": _("Reported figure:"),
            "computed_score": _("Computed score:"),
            "leave_blank": _("Leave blank for 0."),
            "saved_meanwhile": _("Saved meanwhile:"),
            "note": _("Note"),
            "evidence": _("Evidence"),
            "evidence_required": _("evidence required"),
            "agreed": _("Agreed score"),
            "remove": _("Remove"),
            "view": _("View"),
            "add_file": _("Add a file (PDF, image, Word, Excel)"),
            "take_photo": _("Take a photo"),
        }
        cache["scorecard_grid"] = {
            **{name: join(label) for name, label in labels.items()},  # escaped once, not once a row
            "language": language,
            # Built once per criteria version and language; a table built outside the cache has no key.
            "criterion_cells": _criterion_cells.get((key, language), dict) if key else {},
            "edit_rows": _edit_rows.get((key, language), dict) if key else {},
            "kinds": {value: join(label) for value, label in CriterionKind.choices},
            "sources": {value: join(label) for value, label in AgreedSource.choices},
            # The addresses, with SLOT where a row puts its own id (`_address`).
            "upload": reverse("scoring:evidence_upload", args=[scorecard.pk, SLOT]),
            "download": reverse("scoring:evidence_download", args=[SLOT]),
            "preview": reverse("scoring:evidence_preview", args=[SLOT]),
            "delete": reverse("scoring:evidence_delete", args=[SLOT]),
            "can_edit": bool(context.get("can_edit")),
            "conflict": bool(context.get("conflict")),
            "explanation": {key: context.get(key) for key in EXPLANATION_CONTEXT},
        }
    return cache["scorecard_grid"]


def _errors(errors, error_id=None, block=False):
    css = "invalid-feedback d-block" if block else "invalid-feedback"
    own_id = f' id="{escape(error_id)}"' if error_id else ""
    return join(*(join(f'<div class="{css}"{own_id}>', e, "</div>") for e in errors)) if errors else ""


def _safe(markup):
    """A fixed piece of this module's markup (no value from a user or the database in it, but
    numbers and the flags of this module): passes `join` unescaped."""
    return SafeString(markup)


def _score_input(field, label, code, *, described=False):
    """A score's text input (decimal keyboard on phones), red with its errors when refused."""
    invalid = " is-invalid" if field.errors else ""
    ident = escape(field.id_for_label)
    aria = f' aria-describedby="{ident}_error"' if described and field.errors else ""
    errors = _errors(field.errors, f"{field.id_for_label}_error" if described else None)
    return SafeString(
        f'<input type="text" name="{escape(field.html_name)}" id="{ident}" value="{escape(field.value)}" '
        f'inputmode="decimal" pattern="{PATTERN}" autocomplete="off" '
        f'class="form-control form-control-sm score-input{invalid}" aria-label="{escape(label)} {escape(code)}"'
        f"{aria}>{errors}"
    )


def _text_input(field, label, code):
    """A note's or a reason's one-line textarea, with its errors."""
    invalid = " is-invalid" if field.errors else ""
    return SafeString(
        f'<textarea name="{escape(field.html_name)}" id="{escape(field.id_for_label)}" rows="1" '
        f'class="form-control form-control-sm{invalid}" aria-label="{escape(label)} {escape(code)}">'
        f"{escape(field.value)}</textarea>{_errors(field.errors)}"
    )


def _name_cell(page, row):
    """The criterion's cells, built once per criteria version and language."""
    cells = page["criterion_cells"]
    pk = row.criterion.pk
    if pk not in cells:
        cells[pk] = _build_name_cell(page, row)
    return cells[pk]


def _build_name_cell(page, row):
    c = row.criterion
    parts = [
        _safe(f'<td class="criterion-name" style="padding-left: {row.depth + 1}rem">'),
        _safe("<span>" if row.is_leaf else '<span class="fw-bold">'),
        c.code,
        ". ",
        c.title,
        _safe("</span>"),
    ]
    if c.kind != CriterionKind.POINTS:
        parts += [_safe(' <span class="badge text-bg-light">'), page["kinds"].get(c.kind, c.kind), _safe("</span>")]
    if c.evidence_required:
        parts += [_safe(' <span class="badge text-bg-info">'), page["evidence_required"], _safe("</span>")]
    if c.guidance:
        parts += [_safe('<div class="small text-muted">'), c.guidance, _safe("</div>")]
    parts += [
        _safe('</td><td class="text-end inline-label" data-label="'),
        page["maximum"],
        _safe('">'),
        number(row.max_points, "", page["language"]),
        _safe("</td>"),
    ]
    return join(*parts)


def _score_cell(page, criterion, score, field, computed):
    self_score = score.self_score if score is not None else None
    parts = [_safe('<td data-label="'), page["self_score"], _safe('">')]
    if field is None:
        parts.append(number(self_score, language=page["language"]))
        if score is not None and score.reported_value is not None:
            parts += [
                _safe('<div class="small text-muted" data-testid="reported-figure">'),
                page["reported_figure_colon"],
                " ",
                figure_with_unit(score.reported_value, criterion.unit),
                _safe("</div>"),
            ]
        return join(*parts, _safe("</td>"))
    label = page["reported_figure"] if computed else page["self_score"]
    parts.append(_score_input(field, label, criterion.code, described=True))
    if computed:
        unit = f" ({criterion.unit})" if criterion.unit else ""
        parts += [
            _safe('<div class="form-text" data-testid="figure-help">'),
            page["reported_figure"],
            unit,
            " · ",
            criterion_formula(criterion),
            _safe("</div>"),
        ]
        if self_score is not None:
            parts += [
                _safe('<div class="small" data-testid="computed-score">'),
                page["computed_score"],
                " ",
                number(self_score, language=page["language"]),
                _safe("</div>"),
            ]
    elif criterion.kind != CriterionKind.POINTS:
        parts += [_safe('<div class="form-text">'), page["leave_blank"], _safe("</div>")]
    if page["conflict"]:
        parts += [
            _safe('<div class="small text-warning-emphasis" data-testid="saved-meanwhile">'),
            page["saved_meanwhile"],
            " ",
            number(self_score, language=page["language"]),
            f" · {score.note}" if score is not None and score.note else "",
            _safe("</div>"),
        ]
    return join(*parts, _safe("</td>"))


def _note_cell(page, criterion, score, field):
    if field is None:
        text = linebreaksbr(score.note, autoescape=True) if score is not None and score.note else ""
        return join(_safe('<td data-label="'), page["note"], _safe('">'), text, _safe("</td>"))
    return join(
        _safe('<td data-label="'),
        page["note"],
        _safe('">'),
        _text_input(field, page["note"], criterion.code),
        _safe("</td>"),
    )


def _evidence_item(page, evidence):
    parts = [
        _safe('<li class="evidence-item" data-testid="evidence-item"><a href="'),
        _address(page, "download", evidence.pk),
        _safe('">'),
        evidence.original_name,
        _safe("</a>"),
    ]
    if page["can_edit"]:
        parts += [
            # The page's one removal form (scoring/scorecard.html), sent to this file's address.
            _safe('<button type="submit" form="delete-evidence" formaction="'),
            _address(page, "delete", evidence.pk),
            _safe('" class="btn btn-link btn-sm text-danger p-0 ms-2">'),
            page["remove"],
            _safe("</button>"),
        ]
    parts.append(_preview(page, evidence))
    return join(*parts, _safe("</li>"))


def _evidence_items(page, evidence_files):
    return join(*(_evidence_item(page, e) for e in evidence_files))


def _evidence_cell(page, criterion, items, field):
    """The evidence cell around `items` (`_evidence_items`): the files, and on an editable row
    the inputs that add one."""
    if field is None:
        return join(
            _safe('<td data-label="'),
            page["evidence"],
            _safe('"><div class="evidence"><ul class="evidence-list list-unstyled mb-1 small">'),
            items,
            _safe("</ul></div></td>"),
        )
    invalid = " is-invalid" if field.errors else ""
    name, ident, code = escape(field.html_name), escape(field.id_for_label), escape(criterion.code)
    evidence, take_photo = page["evidence"], page["take_photo"]
    return SafeString(
        f'<td data-label="{evidence}"><div class="evidence" data-upload-url="'
        f'{escape(_address(page, "upload", criterion.pk))}"><ul class="evidence-list list-unstyled mb-1 small">'
        f'{items}</ul><label class="form-label small mb-0 d-sm-none" for="{ident}">{page["add_file"]}</label>'
        f'<input type="file" name="{name}" id="{ident}" accept="{ACCEPT}" '
        f'class="form-control form-control-sm evidence-input{invalid}" aria-label="{evidence} {code}">'
        f'<label class="btn btn-outline-secondary btn-sm mt-1 d-sm-none camera-button" for="{ident}_camera">'
        f'{take_photo}</label><input type="file" name="{name}" id="{ident}_camera" accept="image/*" '
        f'capture="environment" class="visually-hidden evidence-input" aria-label="{take_photo} {code}">'
        f"{_errors(field.errors, block=True)}"
        '<progress class="evidence-progress w-100" max="100" value="0" hidden></progress>'
        '<div class="evidence-status small" role="status" aria-live="polite" data-testid="evidence-status"></div>'
        "</div></td>"
    )


def _agreed_cell(page, r):
    s, given = r["score"], r.get("given")
    agreed = s.agreed_score if s is not None else None
    hidden = " phone-hidden" if agreed is None and not given else ""
    parts = [_safe(f'<td class="text-end inline-label{hidden}" data-label="'), page["agreed"], _safe('">')]
    if agreed is not None:
        css = ' class="text-danger fw-bold"' if agreed != s.self_score else ""
        parts += [_safe(f"<span{css}>"), number(agreed, language=page["language"]), _safe("</span>")]
        if s.agreed_source:
            parts += [
                _safe('<div class="small text-muted" data-testid="agreed-source">'),
                page["sources"].get(s.agreed_source, s.agreed_source),
                _safe("</div>"),
            ]
        if s.agreed_reason:
            parts += [
                _safe('<div class="small text-muted" data-testid="agreed-reason">'),
                s.agreed_reason,
                _safe("</div>"),
            ]
    else:
        parts.append("—")
    if given:
        parts.append(_safe(render_to_string("scoring/_given_cross_scores.html", {"r": r})))
    if r.get("explainable"):
        context = {**page["explanation"], "s": s, "c": r["row"].criterion, "r": r}
        parts.append(_safe(render_to_string("scoring/_explanation_form.html", context)))
    return join(*parts, _safe("</td>"))


def _head(row):
    css = "criterion-card" if row.is_leaf else "criterion-group"
    return join(
        _safe('<tr data-criterion="'),
        row.criterion.code,
        _safe(f'" id="criterion-{int(row.criterion.pk)}" class="{css}">'),
    )


#: Markers put where an editable row's own values go while its fixed markup is built.
_VALUE, _TEXT, _UPLOAD, _ITEMS = "\x00value\x00", "\x00text\x00", "\x00upload\x00", "\x00items\x00"


def _edit_parts(page, row, computed, fields):
    """The fixed markup of an editable leaf row (a fresh row: no refused value, no conflict),
    split where the row's own values go: the typed score, the note, the upload address and the
    files. Built by the cell functions every row uses, with markers in place of those values,
    so a row put together from these parts is the row they build. Kept like the criterion
    cells (`_edit_rows`: per criteria version and language); None when a marker does not come
    back exactly once (a criterion's text holding one), and the row is then built in full."""
    c, (value, text, evidence) = row.criterion, fields
    fixed = {**page, "upload": _UPLOAD, "conflict": False}  # `_address` leaves a marker as it is
    markup = join(
        _score_cell(fixed, c, None, Cell(value.html_name, value.id_for_label, _VALUE), computed),
        _note_cell(fixed, c, None, Cell(text.html_name, text.id_for_label, _TEXT)),
        _evidence_cell(fixed, c, _safe(_ITEMS), Cell(evidence.html_name, evidence.id_for_label, "")),
    )
    parts, rest = [], markup
    for marker in (_VALUE, _TEXT, _UPLOAD, _ITEMS):
        pieces = rest.split(marker)
        if len(pieces) != 2:
            return None
        parts.append(pieces[0])
        rest = pieces[1]
    names = (value.html_name, text.html_name, evidence.html_name)
    return (join(_head(row), _name_cell(page, row)), names, *parts, rest)


def _fresh_edit_row(page, r):
    """An editable row from its fixed parts (`_edit_parts`), or None where they do not apply:
    a refused value or a conflict to show, a computed score to show beside the figure."""
    value, text, evidence = r["fields"]
    score = r["score"]
    if evidence is None or page["conflict"] or value.errors or text.errors or evidence.errors:
        return None
    if r["computed"] and score is not None and score.self_score is not None:
        return None
    key = (r["row"].criterion.pk, r["computed"])
    cells = page["edit_rows"]
    if key not in cells:
        cells[key] = _edit_parts(page, r["row"], r["computed"], r["fields"])
    parts = cells[key]
    if parts is None or parts[1] != (value.html_name, text.html_name, evidence.html_name):
        return None
    head, _names, before_value, before_text, before_upload, before_items, rest = parts
    pk = r["row"].criterion.pk
    return SafeString(
        "".join(
            (
                head,
                before_value,
                escape(value.value),
                before_text,
                escape(text.value),
                before_upload,
                escape(_address(page, "upload", pk)),
                before_items,
                _evidence_items(page, r["evidence"]),
                rest,
                _agreed_cell(page, r),
                "</tr>",
            )
        )
    )


def scorecard_row(context, r):
    """One row of the scorecard page (`scoring.views._score_rows`): a criterion or a group."""
    page = _page(context)
    row = r["row"]
    if not row.is_leaf:
        return join(_head(row), _name_cell(page, row), _safe('<td colspan="4" class="group-filler"></td></tr>'))
    if r["fields"]:
        fresh = _fresh_edit_row(page, r)
        if fresh is not None:
            return fresh
    value, text, evidence = r["fields"] if r["fields"] else (None, None, None)
    score = r["score"]
    return join(
        _head(row),
        _name_cell(page, row),
        _score_cell(page, row.criterion, score, value, r["computed"]),
        _note_cell(page, row.criterion, score, text),
        _evidence_cell(page, row.criterion, _evidence_items(page, r["evidence"]), evidence),
        _agreed_cell(page, r),
        _safe("</tr>"),
    )


@register.simple_tag(takes_context=True)
def scorecard_rows(context, rows):
    """Every row of a section (`scorecard_row`) in one tag, not a template loop of 100-500 turns."""
    return join(*(scorecard_row(context, r) for r in rows))


# --- The appraisal page (the appraiser's agreed score and reason of each criterion) -------------


def _appraisal_page(context):
    cache = context.render_context
    if "appraisal_grid" not in cache:
        cache["appraisal_grid"] = {
            **_page(context),
            "reason": _("Reason for the change"),
            "explanation": {"can_read_explanation": context.get("can_read_explanation")},
        }
    return cache["appraisal_grid"]


def _preview(page, evidence):
    if evidence.extension not in PREVIEWED:
        return ""
    url = _address(page, "preview", evidence.pk)
    if evidence.extension == "pdf":
        frame = join(
            _safe('<iframe class="evidence-frame" src="'),
            url,
            _safe('" loading="lazy" title="'),
            evidence.original_name,
            _safe('"></iframe>'),
        )
    else:
        frame = join(
            _safe('<img class="evidence-frame" src="'),
            url,
            _safe('" loading="lazy" alt="'),
            evidence.original_name,
            _safe('">'),
        )
    return join(
        _safe('<details class="evidence-preview" data-testid="evidence-preview"><summary>'),
        page["view"],
        _safe("</summary>"),
        frame,
        _safe("</details>"),
    )


def appraisal_row(context, r):
    """One row of the appraisal page: the self-score, figure and evidence beside the agreed
    score and reason inputs (`scoring.grid.AppraisalGrid`)."""
    page = _appraisal_page(context)
    row, s = r["row"], r["score"]
    c = row.criterion
    css = "criterion-card" if row.is_leaf else "criterion-group"
    parts = [
        _safe('<tr data-criterion="'),
        c.code,
        _safe(f'" id="criterion-{int(c.pk)}" class="{css}">'),
        _safe(f'<td class="criterion-name" style="padding-left: {row.depth + 1}rem">'),
        _safe("<span>" if row.is_leaf else '<span class="fw-bold">'),
        c.code,
        ". ",
        c.title,
        _safe("</span>"),
    ]
    if s is not None and s.note:
        parts += [_safe('<div class="small text-muted">'), s.note, _safe("</div>")]
    parts += [
        _safe('</td><td class="text-end inline-label" data-label="'),
        page["maximum"],
        _safe('">'),
        number(row.max_points, "", page["language"]),
        _safe("</td>"),
    ]
    if not row.is_leaf:
        return join(*parts, _safe('<td colspan="4" class="group-filler"></td></tr>'))
    parts += [_safe('<td class="text-end inline-label" data-label="'), page["self_score"], _safe('">')]
    parts.append(number(s.self_score if s is not None else None, language=page["language"]))
    if s is not None and s.reported_value is not None:
        parts += [
            _safe('<div class="small text-muted" data-testid="reported-figure">'),
            page["reported_figure_colon"],
            " ",
            figure_with_unit(s.reported_value, c.unit),
            _safe("</div>"),
        ]
    parts += [_safe('</td><td data-label="'), page["evidence"], _safe('">')]
    for evidence in r["evidence"]:
        parts += [
            _safe('<div class="small evidence-item" data-testid="evidence-item"><a href="'),
            _address(page, "download", evidence.pk),
            _safe('">'),
            evidence.original_name,
            _safe("</a>"),
            _preview(page, evidence),
            _safe("</div>"),
        ]
    if not r["evidence"]:
        parts.append("—")
    value, reason, _evidence = r["fields"]
    parts += [_safe('</td><td data-label="'), page["agreed"], _safe('">'), _score_input(value, page["agreed"], c.code)]
    if page["conflict"]:
        parts += [
            _safe('<div class="small text-warning-emphasis" data-testid="saved-meanwhile">'),
            page["saved_meanwhile"],
            " ",
            number(s.agreed_score if s is not None else None, language=page["language"]),
            _safe("</div>"),
        ]
    parts += [_safe('</td><td data-label="'), page["reason"], _safe('">'), _text_input(reason, page["reason"], c.code)]
    if s is not None and s.explained_at:
        context_ = {**page["explanation"], "s": s, "c": c}
        parts.append(_safe(render_to_string("scoring/_explanation_read.html", context_)))
    return join(*parts, _safe("</td></tr>"))


@register.simple_tag(takes_context=True)
def appraisal_rows(context, rows):
    """Every row of a section (`appraisal_row`) in one tag."""
    return join(*(appraisal_row(context, r) for r in rows))

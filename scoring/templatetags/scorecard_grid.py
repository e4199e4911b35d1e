"""The cells of a leaf criterion on the scorecard page (its score or reported figure, its note
and its evidence), in edit and read mode.

Built here with `format_html`, as Django's admin builds the rows of its change lists
(`admin_list.items_for_result`): the template loop cost about 0.4 ms a row, and a scorecard
has up to 500 (issue 14). The labels are translated once per page, not once per row. The markup
is the template's: the inputs keep their names, ids and accessible labels.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from scoring.templatetags.criterion_kinds import criterion_formula, figure_with_unit

register = template.Library()

PATTERN = "-?[0-9]+([,.][0-9]{1,2})?"
ACCEPT = "image/*,application/pdf,.pdf,.jpg,.png,.docx,.xlsx,.doc,.xls"
PREVIEWED = ("pdf", "jpg", "png")


def _page(context):
    """What every row of one page shares: the labels and the evidence upload address."""
    cache = context.render_context
    if "scorecard_grid" not in cache:
        scorecard = context["scorecard"]
        cache["scorecard_grid"] = {
            "self_score": _("Self-score"),
            "reported_figure": _("Reported figure"),
            "reported_figure_colon": _("Reported figure:"),
            "computed_score": _("Computed score:"),
            "leave_blank": _("Leave blank for 0."),
            "saved_meanwhile": _("Saved meanwhile:"),
            "note": _("Note"),
            "evidence": _("Evidence"),
            "remove": _("Remove"),
            "view": _("View"),
            "add_file": _("Add a file (PDF, image, Word, Excel)"),
            "take_photo": _("Take a photo"),
            "upload": reverse("scoring:evidence_upload", args=[scorecard.pk, 0]),
            "can_edit": bool(context.get("can_edit")),
            "conflict": bool(context.get("conflict")),
        }
    return cache["scorecard_grid"]


def _errors(errors, error_id=None, block=False):
    css = "invalid-feedback d-block" if block else "invalid-feedback"
    if error_id:
        return format_html_join("", '<div class="{}" id="{}">{}</div>', ((css, error_id, e) for e in errors))
    return format_html_join("", '<div class="{}">{}</div>', ((css, e) for e in errors))


def _join(parts):
    """Pieces already built with format_html, one after the other (each escaped where needed)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _number(value):
    return "—" if value is None else localize(value)


def _score_cell(page, criterion, score, field, computed):
    if field is None:
        figure = ""
        if score is not None and score.reported_value is not None:
            figure = format_html(
                '<div class="small text-muted" data-testid="reported-figure">{} {}</div>',
                page["reported_figure_colon"],
                figure_with_unit(score.reported_value, criterion.unit),
            )
        return format_html(
            '<td data-label="{}">{}{}</td>', page["self_score"], _number(score and score.self_score), figure
        )
    invalid = " is-invalid" if field.errors else ""
    described = format_html(' aria-describedby="{}_error"', field.id_for_label) if field.errors else ""
    label = page["reported_figure"] if computed else page["self_score"]
    parts = [
        format_html(
            '<input type="text" name="{}" id="{}" value="{}" inputmode="decimal" pattern="{}" autocomplete="off" '
            'class="form-control form-control-sm score-input{}" aria-label="{} {}"{}>',
            field.html_name,
            field.id_for_label,
            field.value,
            PATTERN,
            invalid,
            label,
            criterion.code,
            described,
        ),
        _errors(field.errors, f"{field.id_for_label}_error"),
    ]
    if computed:
        unit = f" ({criterion.unit})" if criterion.unit else ""
        parts.append(
            format_html(
                '<div class="form-text" data-testid="figure-help">{}{} · {}</div>',
                page["reported_figure"],
                unit,
                criterion_formula(criterion),
            )
        )
        if score is not None and score.self_score is not None:
            parts.append(
                format_html(
                    '<div class="small" data-testid="computed-score">{} {}</div>',
                    page["computed_score"],
                    localize(score.self_score),
                )
            )
    elif criterion.kind != "points":
        parts.append(format_html('<div class="form-text">{}</div>', page["leave_blank"]))
    if page["conflict"]:
        note = format_html(" · {}", score.note) if score is not None and score.note else ""
        parts.append(
            format_html(
                '<div class="small text-warning-emphasis" data-testid="saved-meanwhile">{} {}{}</div>',
                page["saved_meanwhile"],
                _number(score and score.self_score),
                note,
            )
        )
    return format_html('<td data-label="{}">{}</td>', page["self_score"], _join(parts))


def _note_cell(page, criterion, score, field):
    if field is None:
        text = linebreaksbr(score.note, autoescape=True) if score and score.note else ""
        return format_html('<td data-label="{}">{}</td>', page["note"], text)
    invalid = " is-invalid" if field.errors else ""
    return format_html(
        '<td data-label="{}"><textarea name="{}" id="{}" rows="1" class="form-control form-control-sm{}" '
        'aria-label="{} {}">{}</textarea>{}</td>',
        page["note"],
        field.html_name,
        field.id_for_label,
        invalid,
        page["note"],
        criterion.code,
        field.value,
        _errors(field.errors),
    )


def _evidence_item(page, evidence):
    preview = ""
    if evidence.extension in PREVIEWED:
        url = reverse("scoring:evidence_preview", args=[evidence.pk])
        frame = (
            format_html(
                '<iframe class="evidence-frame" src="{}" loading="lazy" title="{}"></iframe>',
                url,
                evidence.original_name,
            )
            if evidence.extension == "pdf"
            else format_html(
                '<img class="evidence-frame" src="{}" loading="lazy" alt="{}">', url, evidence.original_name
            )
        )
        preview = format_html(
            '<details class="evidence-preview" data-testid="evidence-preview"><summary>{}</summary>{}</details>',
            page["view"],
            frame,
        )
    remove = (
        format_html(
            '<button type="submit" form="delete-evidence-{}" '
            'class="btn btn-link btn-sm text-danger p-0 ms-2">{}</button>',
            evidence.pk,
            page["remove"],
        )
        if page["can_edit"]
        else ""
    )
    return format_html(
        '<li class="evidence-item" data-testid="evidence-item"><a href="{}">{}</a>{}{}</li>',
        reverse("scoring:evidence_download", args=[evidence.pk]),
        evidence.original_name,
        remove,
        preview,
    )


def _evidence_cell(page, criterion, evidence_files, field):
    items = _join(_evidence_item(page, e) for e in evidence_files)
    if field is None:
        return format_html(
            '<td data-label="{}"><div class="evidence">'
            '<ul class="evidence-list list-unstyled mb-1 small">{}</ul></div></td>',
            page["evidence"],
            items,
        )
    upload = page["upload"].replace("/criteria/0/", f"/criteria/{criterion.pk}/")
    invalid = " is-invalid" if field.errors else ""
    return format_html(
        '<td data-label="{evidence}"><div class="evidence" data-upload-url="{upload}">'
        '<ul class="evidence-list list-unstyled mb-1 small">{items}</ul>'
        '<label class="form-label small mb-0 d-sm-none" for="{id}">{add}</label>'
        '<input type="file" name="{name}" id="{id}" accept="{accept}" '
        'class="form-control form-control-sm evidence-input{invalid}" aria-label="{evidence} {code}">'
        '<label class="btn btn-outline-secondary btn-sm mt-1 d-sm-none camera-button" for="{id}_camera">{photo}</label>'
        '<input type="file" name="{name}" id="{id}_camera" accept="image/*" capture="environment" '
        'class="visually-hidden evidence-input" aria-label="{photo} {code}">{errors}'
        '<progress class="evidence-progress w-100" max="100" value="0" hidden></progress>'
        '<div class="evidence-status small" role="status" aria-live="polite" data-testid="evidence-status"></div>'
        "</div></td>",
        evidence=page["evidence"],
        upload=upload,
        items=items,
        id=field.id_for_label,
        add=page["add_file"],
        name=field.html_name,
        accept=ACCEPT,
        invalid=invalid,
        code=criterion.code,
        photo=page["take_photo"],
        errors=_errors(field.errors, block=True),
    )


@register.simple_tag(takes_context=True)
def scorecard_leaf_cells(context, r):
    """The score, note and evidence cells of one leaf row (`scoring.views._score_rows`)."""
    page = _page(context)
    criterion, score, fields = r["row"].criterion, r["score"], r["fields"]
    value, text, evidence = fields if fields else (None, None, None)
    return _join(
        (
            _score_cell(page, criterion, score, value, r["computed"]),
            _note_cell(page, criterion, score, text),
            _evidence_cell(page, criterion, r["evidence"], evidence),
        )
    )

"""State changes of the scoring app. Each public function is one transaction; a refused
change raises ValidationError and leaves the stored data exactly as it was."""

import functools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cluster import selectors as cluster_selectors
from cluster.enums import ScoringMode
from cluster.models import EmulationYear, new_criteria_key
from cluster.services import year_ensure_open
from common import events, memo
from common.bulk import update_with_history
from common.history import set_change_reason
from common.uploads import check_evidence_count, inspect_upload

from . import calculations, selectors, selectors_peer
from .enums import COMPUTED_KINDS, AgreedSource, ScorecardStatus
from .models import NOTE_MAX_LENGTH, Criterion, Evidence, Score, Scoreboard, Scorecard, Section


class ConcurrentEditError(ValidationError):
    """Somebody else saved the scorecard since this form was opened."""


def score_error_message(error: calculations.ScoreInputError) -> str:
    from django.utils.formats import number_format

    limit = number_format(error.limit, 2) if error.limit is not None else ""
    return {
        "not_a_number": _("Enter a number, for example 8,5."),
        "too_many_decimals": _("Use at most two decimals."),
        "too_large": _("This number is far too large for a score."),
        "above_max": _("The score cannot be above the maximum of %(limit)s.") % {"limit": limit},
        "below_zero": _("The score cannot be below 0."),
        "below_bound": _("A deduction cannot be below %(limit)s.") % {"limit": limit},
        "above_zero": _("A deduction is 0 or negative."),
    }[error.code]


def parse_and_check(criterion, text):
    """The Decimal for what was typed, or a ValidationError with the Vietnamese message."""
    try:
        value = calculations.parse_score(text)
        if value is not None:
            calculations.check_score(value, criterion.kind, criterion.max_points)
    except calculations.ScoreInputError as error:
        raise ValidationError(score_error_message(error)) from error
    return value


def figure_error_message(error: calculations.ScoreInputError) -> str:
    return {
        "not_a_number": _("Enter a number, for example 43,5."),
        "too_many_decimals": _("Use at most two decimals."),
        "figure_too_large": _("This figure is far too large."),
        "figure_below_zero": _("The figure cannot be below 0."),
        "not_whole": _("Enter a whole number of occurrences, for example 3."),
        "not_pass_fail": _("Enter 1 for passed or 0 for not passed."),
    }[error.code]


def parse_figure_and_score(criterion, text):
    """(reported figure, computed score) of a computed criterion's typed figure, both None when
    empty; or a ValidationError with the Vietnamese message."""
    try:
        figure = calculations.parse_figure(text)
        if figure is None:
            return None, None
        score = calculations.computed_score(
            criterion.kind,
            figure,
            max_points=criterion.max_points,
            target=criterion.target_value,
            floor=criterion.floor_value,
            per_occurrence=criterion.points_per_occurrence,
        )
    except calculations.ScoreInputError as error:
        raise ValidationError(figure_error_message(error)) from error
    return figure, score


def _ensure_scoring_open(emulation_year):
    year_ensure_open(emulation_year)
    if Scoreboard.objects.filter(emulation_year=emulation_year, locked_at__isnull=False).exists():
        raise ValidationError(_("The scoring of %(year)s is locked.") % {"year": emulation_year.year})


def _lock_scorecard(scorecard, version):
    """Re-read the scorecard under a row lock, check that its scoring is still open and that
    nobody saved since `version`. The lock of the scoring is read under the row lock: a lock
    that commits while this save waits for the row is seen (`scoreboard_lock` takes every
    scorecard's row before it checks and locks)."""
    current = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if current.emulation_year_id == scorecard.emulation_year_id:  # the year its caller read
        current.emulation_year = scorecard.emulation_year
    _ensure_scoring_open(current.emulation_year)
    if version is not None and current.version != version:
        raise ConcurrentEditError(
            _(
                "Somebody else saved this scorecard while you were editing it. Your values are kept in "
                "the form, with the values saved meanwhile beside them: check them and save again."
            )
        )
    return current


# --- Scorecards --------------------------------------------------------------------------


@transaction.atomic
def scorecard_get_or_create(*, emulation_year, province):
    _ensure_scoring_open(emulation_year)
    if province.pk not in cluster_selectors.member_province_ids(emulation_year):
        raise ValidationError(
            _("%(province)s is not a member of the cluster in %(year)s.")
            % {"province": province, "year": emulation_year.year}
        )
    scorecard, _created = Scorecard.objects.get_or_create(emulation_year=emulation_year, province=province)
    return scorecard


def _leaf_criteria(emulation_year):
    return {c.pk: c for c in selectors.criteria_table(emulation_year).leaves}


#: The totals a scorecard keeps of its scores (`_save_next_version`, `scorecard_recalculate`).
TOTAL_FIELDS = ["self_total", "self_section_totals", "live_total", "live_section_totals", "live_version"]


def _set_totals(scorecard, scores=None):
    """Put on `scorecard` (not saved) the totals of its scores at its current `version`: the
    self-score total and subtotals, and the provisional ones of the live scoreboard. `scores`:
    its Score objects as just written by the caller; read from the table if not given."""
    table = selectors.criteria_table(scorecard.emulation_year)
    nodes = selectors.criterion_nodes([row.criterion for block in table.sections for row in block.rows])
    if scores is None:
        rows = Score.objects.filter(scorecard=scorecard).values_list("criterion_id", "self_score", "agreed_score")
    else:
        rows = ((s.criterion_id, s.self_score, s.agreed_score) for s in scores)
    own, live = {}, {}
    for criterion_id, self_score, agreed_score in rows:
        own[criterion_id] = self_score
        live[criterion_id] = agreed_score if agreed_score is not None else self_score
    totals, provisional = calculations.scorecard_totals(nodes, own), calculations.scorecard_totals(nodes, live)
    scorecard.self_total = totals.total
    scorecard.self_section_totals = {k: str(v) for k, v in totals.sections.items()}
    scorecard.live_total = provisional.total
    scorecard.live_section_totals = {k: str(v) for k, v in provisional.sections.items()}
    scorecard.live_version = scorecard.version


def scorecard_recalculate(*, scorecard):
    """Refresh the cached totals of one scorecard (after its save, at its current `version`)."""
    _set_totals(scorecard)
    Scorecard.objects.filter(pk=scorecard.pk).update(**{name: getattr(scorecard, name) for name in TOTAL_FIELDS})


def _save_next_version(scorecard, fields, *, scores=None):
    """Write a change of `fields` of a locked scorecard with its next version and the totals at
    that version, in one UPDATE (so its history row holds them): where every service that
    changes a scorecard or its scores ends. `scores`: its Score objects as the caller has just
    written them (read from the table if not given)."""
    scorecard.version += 1
    _set_totals(scorecard, scores)
    scorecard.save(update_fields=[*fields, "version", *TOTAL_FIELDS])


#: What the province types for a criterion.
SELF_FIELDS = ("self_score", "note", "reported_value")


@transaction.atomic
def scorecard_save_self(*, scorecard, user, version, entries, files=None):
    """Save the self-scores and notes typed by the province's staff.

    `entries`: {criterion id: (typed score, note)}; `files`: {criterion id: [uploaded files]}.
    For a computed criterion (`COMPUTED_KINDS`) the typed text is the reported figure: it is
    kept as `reported_value` and the self-score is computed from it.
    Every value is checked first; if any is refused, nothing is saved and the
    ValidationError maps "score_<id>" / "evidence_<id>" to its message.
    """
    current = _lock_scorecard(scorecard, version)
    if current.status not in (ScorecardStatus.DRAFT, ScorecardStatus.RETURNED):
        raise ValidationError(_("This scorecard has been submitted: it can no longer be changed by its province."))
    leaves = _leaf_criteria(current.emulation_year)
    errors, values = {}, {}
    for criterion_id, (typed, note) in entries.items():
        criterion = leaves.get(criterion_id)
        if criterion is None:
            errors["__all__"] = [_("A criterion of this form no longer exists. Reload the page.")]
            continue
        note = (note or "").strip()
        if len(note) > NOTE_MAX_LENGTH:
            errors[f"note_{criterion_id}"] = [
                _("A note holds at most %(limit)s characters (this one has %(length)s).")
                % {"limit": NOTE_MAX_LENGTH, "length": len(note)}
            ]
        try:
            if criterion.kind in COMPUTED_KINDS:
                figure, value = parse_figure_and_score(criterion, typed)
            else:
                figure, value = None, parse_and_check(criterion, typed)
            values[criterion_id] = (value, note, figure)
        except ValidationError as error:
            errors[f"score_{criterion_id}"] = error.messages
    inspected = {}
    stored = dict(
        Evidence.objects.filter(score__scorecard=current, score__criterion_id__in=list(files or {}))
        .values("score__criterion_id")
        .annotate(count=Count("pk"))
        .values_list("score__criterion_id", "count")
    )
    for criterion_id, uploads in (files or {}).items():
        try:
            check_evidence_count(stored=stored.get(criterion_id, 0), added=len(uploads))
        except ValidationError as error:
            errors.setdefault(f"evidence_{criterion_id}", []).extend(error.messages)
            continue
        for upload in uploads:
            try:
                inspected.setdefault(criterion_id, []).append((upload, inspect_upload(upload)))
            except ValidationError as error:
                errors.setdefault(f"evidence_{criterion_id}", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)

    existing = {s.criterion_id: s for s in Score.objects.filter(scorecard=current)}
    created, changed, columns = [], [], set()  # columns: the fields some changed score changes
    for criterion_id, (value, note, figure) in values.items():
        score = existing.get(criterion_id)
        if score is None:
            if value is None and not note:
                continue
            score = Score(
                scorecard=current, criterion_id=criterion_id, self_score=value, note=note, reported_value=figure
            )
            created.append(score)
            existing[criterion_id] = score
            continue
        differs = (score.self_score != value, score.note != note, score.reported_value != figure)
        if any(differs):
            score.self_score, score.note, score.reported_value = value, note, figure
            changed.append(score)
            columns.update(name for name, differ in zip(SELF_FIELDS, differs, strict=True) if differ)
    # In bulk, with one history row per change (a scorecard has 100+ criteria).
    reason = _("Self-score saved")
    history_user = user if getattr(user, "pk", None) else None
    if created:
        bulk_create_with_history(created, Score, default_user=history_user, default_change_reason=reason)
        existing.update(
            {
                s.criterion_id: s
                for s in Score.objects.filter(scorecard=current, criterion_id__in=[c.criterion_id for c in created])
            }
        )
    if changed:
        update_with_history(
            changed,
            Score,
            [name for name in SELF_FIELDS if name in columns],
            default_user=history_user,
            default_change_reason=reason,
        )
    for criterion_id, items in inspected.items():
        score = existing.get(criterion_id)
        if score is None:
            score = Score.objects.create(scorecard=current, criterion_id=criterion_id)
            existing[criterion_id] = score
        for upload, info in items:
            _evidence_store(score=score, upload=upload, info=info, user=user)
    _save_next_version(current, [], scores=existing.values())
    return current


def _evidence_store(*, score, upload, info, user):
    evidence = Evidence(
        score=score,
        original_name=info.safe_name,
        extension=info.extension,
        content_type=info.content_type,
        size=info.size,
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    upload.seek(0)
    evidence.file.save(info.safe_name, upload, save=False)
    set_change_reason(evidence, _("Evidence uploaded"), user)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_upload(*, scorecard, criterion_id, upload, user):
    """Store one evidence file for one criterion of a draft (or returned) scorecard, on its own:
    the file is kept whatever happens later to the rest of the form.

    The scorecard's version is not changed: the scores typed in the open form do not conflict
    with a file, so the next save of that form goes through."""
    current = _lock_scorecard(scorecard, None)
    if current.status not in (ScorecardStatus.DRAFT, ScorecardStatus.RETURNED):
        raise ValidationError(_("This scorecard has been submitted: it can no longer be changed by its province."))
    criterion = _leaf_criteria(current.emulation_year).get(criterion_id)
    if criterion is None:
        raise ValidationError(_("A criterion of this form no longer exists. Reload the page."))
    score, _created = Score.objects.get_or_create(scorecard=current, criterion=criterion)
    check_evidence_count(stored=Evidence.objects.filter(score=score).count(), added=1)
    info = inspect_upload(upload)
    return _evidence_store(score=score, upload=upload, info=info, user=user)


@transaction.atomic
def evidence_remove(*, evidence, user):
    scorecard = evidence.score.scorecard
    current = _lock_scorecard(scorecard, None)
    if current.status not in (ScorecardStatus.DRAFT, ScorecardStatus.RETURNED):
        raise ValidationError(_("This scorecard has been submitted: it can no longer be changed by its province."))
    name = evidence.file.name
    set_change_reason(evidence, _("Evidence removed"), user)
    evidence.delete()
    transaction.on_commit(lambda: evidence.file.storage.delete(name))
    current.version += 1
    current.save(update_fields=["version"])


def scorecard_missing(scorecard, *, table=None, scores=None):
    """What still blocks submitting: a list of messages (empty when complete). `table` and
    `scores` may be passed when the caller has read them already."""
    return [message for _criterion, message in scorecard_missing_items(scorecard, table=table, scores=scores)]


#: Criteria a province may leave blank: blank means 0 (no bonus earned, nothing deducted).
BLANK_IS_ZERO = (calculations.BONUS, calculations.DEDUCTION)


def scorecard_missing_items(scorecard, *, table=None, scores=None):
    """(criterion or None, message) for each thing that blocks submitting."""
    table = table or selectors.criteria_table(scorecard.emulation_year)
    if not table.leaves:
        return [(None, _("The criteria of this year have not been set yet."))]
    scores = scores if scores is not None else selectors.scores_by_criterion(scorecard)
    missing = []
    for criterion in table.leaves:
        score = scores.get(criterion.pk)
        if (score is None or score.self_score is None) and criterion.kind not in BLANK_IS_ZERO:
            missing.append((criterion, _("%(code)s: no self-score.") % {"code": criterion.code}))
        elif criterion.evidence_required and (score is None or not score.evidence_files):
            missing.append((criterion, _("%(code)s: evidence is required.") % {"code": criterion.code}))
        if score is not None and score.self_score is not None:
            try:  # the criteria may have changed since the score was typed
                calculations.check_score(score.self_score, criterion.kind, criterion.max_points)
            except calculations.ScoreInputError as error:
                missing.append((criterion, f"{criterion.code}: {score_error_message(error)}"))
    return missing


def _blank_lines_as_zero(scorecard, user):
    """Bonus and deduction lines left blank are stored as 0 when the scorecard is submitted, so
    the appraiser agrees a number and the history shows it."""
    lines = [c for c in selectors.criteria_table(scorecard.emulation_year).leaves if c.kind in BLANK_IS_ZERO]
    existing = {s.criterion_id: s for s in Score.objects.filter(scorecard=scorecard, criterion__in=lines)}
    created, changed = [], []
    for criterion in lines:
        score = existing.get(criterion.pk)
        if score is None:
            created.append(Score(scorecard=scorecard, criterion=criterion, self_score=calculations.ZERO))
        elif score.self_score is None:
            score.self_score = calculations.ZERO
            changed.append(score)
    reason = _("Left blank: 0")
    history_user = user if getattr(user, "pk", None) else None
    if created:
        bulk_create_with_history(created, Score, default_user=history_user, default_change_reason=reason)
    if changed:
        update_with_history(changed, Score, ["self_score"], default_user=history_user, default_change_reason=reason)


@transaction.atomic
def scorecard_submit(*, scorecard, user):
    current = _lock_scorecard(scorecard, None)
    if current.status not in (ScorecardStatus.DRAFT, ScorecardStatus.RETURNED):
        raise ValidationError(_("This scorecard has already been submitted."))
    missing = scorecard_missing(current)
    if missing:
        raise ValidationError([_("The scorecard is not complete:"), *missing])
    _blank_lines_as_zero(current, user)
    current.status = ScorecardStatus.SUBMITTED
    current.submitted_at = timezone.now()
    current.return_reason = ""
    set_change_reason(current, _("Submitted"), user)
    _save_next_version(current, ["status", "submitted_at", "return_reason"])
    events.scorecard_submitted.send(sender=Scorecard, scorecard=current, user=user)
    return current


def _ensure_appraiser(scorecard, user):
    """Only the scorecard's appraiser acts on it: the chair's staff, and for the chair's own
    scorecard the vice-chair's. Nobody appraises, agrees or returns their own province's."""
    if user is not None and user.province_id is not None and user.province_id == scorecard.province_id:
        raise ValidationError(
            _("Nobody appraises their own province's scorecard: the vice-chair appraises the chair's.")
        )
    appraiser = cluster_selectors.appraiser_province_id(scorecard.emulation_year, scorecard.province_id)
    if user is None or user.province_id is None or user.province_id != appraiser:
        raise ValidationError(
            _("Only the appraising province (the chair, or the vice-chair for the chair's own scorecard) can do this.")
        )


def _checked_entries(leaves, entries, scores, *, field, reason_missing):
    """{criterion id: (value, reason)} of a scorer's typed `entries` {criterion id: (text, reason)}
    (the appraisal's agreed scores, a member's cross-scores): each value parsed and checked against
    its criterion's range, each reason at most NOTE_MAX_LENGTH, and a reason wherever the value
    differs from the self-score in `scores` {criterion id: Score}. Raises one ValidationError
    keyed "<field>_<id>" / "reason_<id>" listing every refusal, so nothing is saved."""
    errors, values = {}, {}
    for criterion_id, (typed, reason) in entries.items():
        criterion = leaves.get(criterion_id)
        if criterion is None:
            errors["__all__"] = [_("A criterion of this form no longer exists. Reload the page.")]
            continue
        try:
            value = parse_and_check(criterion, typed)
        except ValidationError as error:
            errors[f"{field}_{criterion_id}"] = error.messages
            continue
        reason = (reason or "").strip()
        if len(reason) > NOTE_MAX_LENGTH:
            errors[f"reason_{criterion_id}"] = [
                _("A reason holds at most %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH}
            ]
            continue
        own = scores.get(criterion_id)
        if value is not None and value != (own.self_score if own else None) and not reason:
            errors[f"reason_{criterion_id}"] = [reason_missing]
            continue
        values[criterion_id] = (value, reason)
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def scorecard_return(*, scorecard, user, reason):
    _ensure_appraiser(scorecard, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the scorecard is returned.")})
    current = _lock_scorecard(scorecard, None)
    if current.status not in (ScorecardStatus.SUBMITTED, ScorecardStatus.AGREED):
        raise ValidationError(_("Only a submitted scorecard can be returned."))
    current.status = ScorecardStatus.RETURNED
    current.return_reason = reason
    set_change_reason(current, reason, user)
    _save_next_version(current, ["status", "return_reason"])
    events.scorecard_returned.send(sender=Scorecard, scorecard=current, user=user, reason=reason)
    return current


def _store_agreed(current, user, leaves, existing, values, *, keep_peer=False):
    """Write the agreed scores that differ from what is stored, in bulk with one history row each
    (a scorecard has 100–500 criteria): the scores whose value or reason changed, returned, and
    those only confirmed by the appraiser now (their source becomes the appraisal; with
    `keep_peer`, in a year scored by cross-scoring alone, a confirmed cross-score stays the
    cross-scoring's: the chair only read the explanations)."""
    history_user = user if getattr(user, "pk", None) else None
    created, updated, changed = [], [], []
    for criterion_id, (value, reason) in values.items():
        source = AgreedSource.APPRAISAL if value is not None else ""
        score = existing.get(criterion_id)
        if score is None:
            score = Score(scorecard=current, criterion=leaves[criterion_id])
        elif score.agreed_score == value and score.agreed_reason == reason:
            if keep_peer and score.agreed_source == AgreedSource.PEER:  # the cross-scoring's, confirmed
                continue
            if score.agreed_source != source:  # confirmed by the appraiser: the appraisal's now
                score.agreed_source = source
                set_change_reason(score, reason or _("Agreed as self-scored"), user)
                updated.append(score)
            continue
        score.agreed_score, score.agreed_reason, score.agreed_source = value, reason, source
        score.explanation_read_at, score.explanation_read_by = None, None  # a new reason: read the answer again
        set_change_reason(score, reason or _("Agreed as self-scored"), user)
        (updated if score.pk else created).append(score)
        existing[criterion_id] = score
        changed.append(score)
    if created:
        stored = bulk_create_with_history(created, Score, default_user=history_user)
        if stored and stored[0].pk is None:  # pragma: no cover - a database that returns no ids
            wanted = Score.objects.filter(scorecard=current, criterion_id__in=[s.criterion_id for s in created])
            ids = dict(wanted.values_list("criterion_id", "pk"))
            for score in created:
                score.pk = ids[score.criterion_id]
    if updated:
        update_with_history(
            updated,
            Score,
            ["agreed_score", "agreed_reason", "agreed_source", "explanation_read_at", "explanation_read_by"],
            default_user=history_user,
        )
    return changed


@transaction.atomic
def scorecard_save_agreed(*, scorecard, user, version, entries):
    """The chair's cross-check: `entries` {criterion id: (typed agreed score, reason)}.

    A reason is mandatory wherever the agreed score differs from the self-score. When
    every criterion is agreed the scorecard becomes "agreed".
    """
    _ensure_appraiser(scorecard, user)
    current = _lock_scorecard(scorecard, version)
    if current.status not in (ScorecardStatus.SUBMITTED, ScorecardStatus.AGREED):
        raise ValidationError(_("Only a submitted scorecard can be cross-checked."))
    leaves = _leaf_criteria(current.emulation_year)
    existing = {s.criterion_id: s for s in Score.objects.filter(scorecard=current)}
    for score in existing.values():  # the notifications name each score's criterion: no query per score
        if score.criterion_id in leaves:
            score.criterion = leaves[score.criterion_id]
    values = _checked_entries(
        leaves,
        entries,
        existing,
        field="agreed",
        reason_missing=_("Give the reason for changing the self-score."),
    )
    keep_peer = current.emulation_year.rule_set.scoring_mode == ScoringMode.PEER
    changed = _store_agreed(current, user, leaves, existing, values, keep_peer=keep_peer)
    complete = all(
        existing.get(criterion_id) is not None and existing[criterion_id].agreed_score is not None
        for criterion_id in leaves
    )
    new_status = ScorecardStatus.AGREED if complete else ScorecardStatus.SUBMITTED
    fields = []
    if new_status != current.status:
        current.status = new_status
        fields.append("status")
        set_change_reason(current, _("All criteria agreed") if complete else _("Cross-check reopened"), user)
    _save_next_version(current, fields, scores=existing.values())
    events.scores_changed.send(sender=Scorecard, scorecard=current, user=user, scores=changed)
    for score in changed:
        if score.is_changed_with_reason:
            events.explanation_requested.send(
                sender=Score,
                scorecard=current,
                criterion=leaves[score.criterion_id],
                text=score.agreed_reason,
                key=f"{score.pk}.{current.version}",
            )
    return current


@transaction.atomic
def scorecard_agree_unchanged(*, scorecard, user, version):
    """The appraiser's explicit "agree every unchanged score": each criterion not agreed yet
    takes its self-score as agreed score, in the history under the appraiser's name. Scores the
    appraiser already set stay as they are."""
    current = Scorecard.objects.select_related("emulation_year").get(pk=scorecard.pk)
    existing = {s.criterion_id: s for s in Score.objects.filter(scorecard=current)}
    entries = {}
    for criterion_id in _leaf_criteria(current.emulation_year):
        score = existing.get(criterion_id)
        if score is None:
            continue
        if score.agreed_score is not None:
            entries[criterion_id] = (score.agreed_score, score.agreed_reason)
        elif score.self_score is not None:
            entries[criterion_id] = (score.self_score, "")
    return scorecard_save_agreed(scorecard=current, user=user, version=version, entries=entries)


# --- Explanations (giải trình) of changed scores ---------------------------------------------


def _lock_score(score):
    return Score.objects.select_for_update().select_related("scorecard__emulation_year", "criterion").get(pk=score.pk)


@transaction.atomic
def score_explain(*, score, user, text):
    """The province answers the appraiser's reason for changing one of its scores, or the
    reasons of the members whose cross-scores differ from its self-score. Like every phase of
    the calendar, the explanations' deadline is shown beside the answer, and an answer after it
    is marked late on the page, not refused: the lock of the scoring is what closes them."""
    current = _lock_score(score)
    scorecard = current.scorecard
    _ensure_scoring_open(scorecard.emulation_year)
    if user is None or user.is_superuser or user.province_id is None or user.province_id != scorecard.province_id:
        raise ValidationError(_("Only the staff of the scorecard's province can explain its scores."))
    if not current.is_explainable(selectors_peer.differing_peer_scores(current).exists()):
        raise ValidationError(_("Only a score changed by the appraiser, with a reason, can be explained."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"explanation": _("Write the explanation.")})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"explanation": _("The explanation is at most %(limit)d characters long.") % {"limit": NOTE_MAX_LENGTH}}
        )
    current.explanation, current.explained_at, current.explained_by = text, timezone.now(), user
    current.explanation_read_at, current.explanation_read_by = None, None
    set_change_reason(current, _("Explanation given"), user)
    current.save()
    events.explanation_answered.send(
        sender=Score,
        scorecard=scorecard,
        criterion=current.criterion,
        text=text,
        key=f"{current.pk}.{current.explained_at.timestamp():.0f}",
    )
    return current


@transaction.atomic
def explanation_mark_read(*, score, user):
    """The appraiser (or an administrator) has read the province's explanation."""
    current = _lock_score(score)
    scorecard = current.scorecard
    _ensure_scoring_open(scorecard.emulation_year)
    if not (user is not None and user.is_superuser):
        _ensure_appraiser(scorecard, user)
    if not current.explained_at:
        raise ValidationError(_("This score has no explanation to read."))
    current.explanation_read_at, current.explanation_read_by = timezone.now(), user
    set_change_reason(current, _("Explanation read"), user)
    current.save()
    return current


# --- The year's ranking and lock ------------------------------------------------------------


@transaction.atomic
def scoreboard_rank(*, emulation_year):
    """Compute every scorecard's totals and rank and store them (idempotent)."""
    from django.db.models import Prefetch

    from cluster.models import EmulationYear

    emulation_year = (
        EmulationYear.objects.select_related("rule_set")
        .prefetch_related(Prefetch("memberships"))
        .get(pk=emulation_year.pk)
    )
    results = selectors.compute_year_results(emulation_year, stored_when_locked=False)
    for scorecard_values in results.values():
        scorecard = scorecard_values["scorecard"]
        scorecard.self_total = scorecard_values["self_total"]
        scorecard.self_section_totals = {k: str(v) for k, v in scorecard_values["self_sections"].items()}
        scorecard.agreed_total = scorecard_values["agreed_total"]
        scorecard.section_totals = {k: str(v) for k, v in scorecard_values["sections"].items()}
        scorecard.rank = scorecard_values["rank"]
        scorecard.save(update_fields=["self_total", "self_section_totals", "agreed_total", "section_totals", "rank"])
    board, _created = Scoreboard.objects.get_or_create(emulation_year=emulation_year)
    board.ranked_at = timezone.now()
    board.save(update_fields=["ranked_at"])
    return results


def scoreboard_lock_blockers(emulation_year):
    members = cluster_selectors.member_province_ids(emulation_year)
    cards = selectors.scorecards_of_year(emulation_year)
    blockers = []
    for membership in cluster_selectors.members_of(emulation_year):
        card = cards.get(membership.province_id)
        if card is None or card.status in (ScorecardStatus.DRAFT, ScorecardStatus.RETURNED):
            blockers.append(_("%(province)s: the scorecard is not submitted yet.") % {"province": membership.province})
        elif card.status != ScorecardStatus.AGREED:
            blockers.append(_("%(province)s: not every criterion is agreed yet.") % {"province": membership.province})
    unread = Score.objects.filter(
        scorecard__emulation_year=emulation_year, explained_at__isnull=False, explanation_read_at__isnull=True
    ).select_related("scorecard__province", "criterion")
    for score in unread.order_by("scorecard__province__name", "criterion__code"):
        blockers.append(
            _("The explanation of %(province)s on %(code)s has not been read.")
            % {"province": score.scorecard.province, "code": score.criterion.code}
        )
    if not members:
        blockers.append(_("The year has no members."))
    return blockers


@transaction.atomic
def scoreboard_lock(*, emulation_year, user):
    """Lock the scoring of the year once every criterion of every member is agreed, and
    store the ranking."""
    _ensure_scoring_open(emulation_year)
    # Every scorecard's row first: a save in progress ends before the checks below read its
    # scorecard, and a save that comes after waits for the lock and then sees it (`_lock_scorecard`).
    list(Scorecard.objects.select_for_update().filter(emulation_year=emulation_year).order_by("pk").values_list("pk"))
    blockers = scoreboard_lock_blockers(emulation_year)
    if blockers:
        raise ValidationError([_("The scoring cannot be locked yet:"), *blockers])
    scoreboard_rank(emulation_year=emulation_year)
    board = Scoreboard.objects.select_for_update().get(emulation_year=emulation_year)
    board.locked_at = timezone.now()
    board.locked_by = user
    set_change_reason(board, _("Scoring locked"), user)
    board.save(update_fields=["locked_at", "locked_by"])
    events.scoring_locked.send(sender=Scoreboard, emulation_year=emulation_year, user=user)
    return board


# --- Criteria ---------------------------------------------------------------------------


def _forgets_criteria(service):
    """The criteria table built for this request no longer holds once a service changed criteria."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        memo.forget(("criteria_table",))
        try:
            return service(*args, **kwargs)
        finally:
            memo.forget(("criteria_table",))

    return wrapper


def _ensure_criteria_editable(emulation_year):
    """The criteria change only while no scorecard has been submitted: a submitted or agreed
    scorecard was scored against them."""
    _ensure_scoring_open(emulation_year)
    if (
        Scorecard.objects.filter(emulation_year=emulation_year)
        .exclude(status__in=(ScorecardStatus.DRAFT, ScorecardStatus.RETURNED))
        .exists()
    ):
        raise ValidationError(
            _("Scorecards of %(year)s have been submitted: the criteria can no longer change.")
            % {"year": emulation_year.year}
        )
    # The change to come renews the key of the cached criteria table (inside the same
    # transaction: undone with it if the change is refused).
    EmulationYear.objects.filter(pk=emulation_year.pk).update(criteria_key=new_criteria_key())


@_forgets_criteria
@transaction.atomic
def section_save(*, section, user=None):
    _ensure_criteria_editable(section.emulation_year)
    section.full_clean()
    section.save()
    return section


@_forgets_criteria
@transaction.atomic
def section_delete(*, section, user=None):
    _ensure_criteria_editable(section.emulation_year)
    if Score.objects.filter(criterion__section=section).exists():
        raise ValidationError(_("Scores have been entered against this section: it cannot be deleted."))
    section.delete()


#: Criteria nest at most this deep (a criterion, its sub-criteria, and two levels below them).
MAX_CRITERION_DEPTH = 4


def _section_tree(section_id):
    """{criterion id: parent id} of a section's criteria, in one query."""
    return dict(Criterion.objects.filter(section_id=section_id).values_list("pk", "parent_id"))


def _descendants(criterion):
    """The ids of the criterion and of every criterion below it."""
    tree = _section_tree(criterion.section_id)
    found, frontier = {criterion.pk}, {criterion.pk}
    while frontier:
        frontier = {pk for pk, parent in tree.items() if parent in frontier} - found
        found |= frontier
    return found


def _check_parent(criterion, parent):
    """Refuse a parent that would put the criterion under itself or nest the tree too deep."""
    tree = _section_tree(criterion.section_id)
    depth, node = 1, parent.pk
    while node is not None and depth <= len(tree) + 1:
        if node == criterion.pk:
            raise ValidationError(
                {"parent": _("A criterion cannot be placed under itself or under one of its sub-criteria.")}
            )
        depth, node = depth + 1, tree.get(node)
    below, frontier = 0, {criterion.pk} if criterion.pk else set()
    while frontier:
        frontier = {pk for pk, above in tree.items() if above in frontier}
        below += 1 if frontier else 0
    if depth + below > MAX_CRITERION_DEPTH:
        raise ValidationError(
            {"parent": _("Criteria nest at most %(depth)s levels deep.") % {"depth": MAX_CRITERION_DEPTH}}
        )


def _check_computed_kind(criterion, has_children):
    """The settings of a computed criterion, each refused next to its field; the settings of
    other kinds are emptied so that a changed kind leaves nothing stale behind."""
    if criterion.kind in COMPUTED_KINDS and has_children:
        raise ValidationError({"kind": _("A criterion with sub-criteria adds them up: it cannot be computed.")})
    errors = {}
    if criterion.kind == calculations.TARGET:
        if criterion.target_value is None or criterion.target_value <= 0:
            errors["target_value"] = _("Give the target, above 0.")
        elif criterion.floor_value is not None and not (0 <= criterion.floor_value < criterion.target_value):
            errors["floor_value"] = _("The floor is 0 or more and below the target.")
    else:
        criterion.target_value = criterion.floor_value = None
    if criterion.kind == calculations.OCCURRENCE:
        if criterion.points_per_occurrence is None or criterion.points_per_occurrence <= 0:
            errors["points_per_occurrence"] = _("Give the points of one occurrence, above 0.")
    else:
        criterion.points_per_occurrence = None
    if criterion.kind not in COMPUTED_KINDS:
        criterion.unit = ""
    if errors:
        raise ValidationError(errors)


@_forgets_criteria
@transaction.atomic
def criterion_save(*, criterion, user=None, reason=""):
    """Create or change a criterion. A criterion with sub-criteria carries no maximum of its own."""
    _ensure_criteria_editable(criterion.section.emulation_year)
    if criterion.parent_id:
        parent = Criterion.objects.get(pk=criterion.parent_id)
        if parent.section_id != criterion.section_id:
            raise ValidationError({"parent": _("The parent criterion must be in the same section.")})
        if parent.pk == criterion.pk:
            raise ValidationError({"parent": _("A criterion cannot be its own parent.")})
        _check_parent(criterion, parent)
        if Score.objects.filter(criterion=parent).exclude(self_score__isnull=True).exists():
            raise ValidationError(
                {
                    "parent": _("Scores have been entered against %(code)s: it cannot get sub-criteria.")
                    % {"code": parent.code}
                }
            )
    has_children = criterion.pk is not None and criterion.children.exists()
    _check_computed_kind(criterion, has_children)
    if not has_children and criterion.max_points is None:
        raise ValidationError({"max_points": _("Give the maximum (or, for a deduction, its negative bound).")})
    if has_children:
        criterion.max_points = None
    criterion.full_clean()
    set_change_reason(criterion, reason or _("Criterion saved"), user)
    criterion.save()
    if criterion.parent_id:
        parent = Criterion.objects.get(pk=criterion.parent_id)
        if parent.max_points is not None:
            parent.max_points = None  # a group's maximum is the sum of its sub-criteria
            set_change_reason(parent, _("Sub-criterion %(code)s added") % {"code": criterion.code}, user)
            parent.save(update_fields=["max_points"])
    return criterion


@_forgets_criteria
@transaction.atomic
def criterion_delete(*, criterion, user=None):
    _ensure_criteria_editable(criterion.section.emulation_year)
    below = _descendants(criterion)
    if Evidence.objects.filter(score__criterion__in=below).exists():
        raise ValidationError(_("Evidence files are attached to this criterion: it cannot be deleted."))
    if Score.objects.filter(criterion__in=below).exists():
        raise ValidationError(_("Scores have been entered against this criterion: it cannot be deleted."))
    criterion.delete()


@_forgets_criteria
@transaction.atomic
def criteria_copy_from_previous(*, emulation_year, user=None):
    """Copy last year's sections and criteria into a year that has none yet."""
    _ensure_criteria_editable(emulation_year)
    if Section.objects.filter(emulation_year=emulation_year).exists():
        raise ValidationError(_("This year already has criteria: copying would mix two scorecards."))
    from cluster.models import EmulationYear

    previous = (
        EmulationYear.objects.filter(
            cluster=emulation_year.cluster, year__lt=emulation_year.year, sections__isnull=False
        )
        .order_by("-year")
        .first()
    )
    if previous is None:
        raise ValidationError(_("No earlier year has criteria to copy."))
    section_map = {}
    for section in Section.objects.filter(emulation_year=previous):
        section_map[section.pk] = Section.objects.create(
            emulation_year=emulation_year, code=section.code, title=section.title, order=section.order
        )
    criterion_map = {}
    old = list(Criterion.objects.filter(section__emulation_year=previous).order_by("parent_id", "pk"))
    pending = list(old)
    while pending:
        progressed = False
        for c in list(pending):
            if c.parent_id and c.parent_id not in criterion_map:
                continue
            new = Criterion(
                section=section_map[c.section_id],
                parent=criterion_map.get(c.parent_id),
                code=c.code,
                title=c.title,
                guidance=c.guidance,
                kind=c.kind,
                max_points=c.max_points,
                evidence_required=c.evidence_required,
                unit=c.unit,
                target_value=c.target_value,
                floor_value=c.floor_value,
                points_per_occurrence=c.points_per_occurrence,
                order=c.order,
            )
            set_change_reason(new, _("Copied from %(year)s") % {"year": previous.year}, user)
            new.save()
            criterion_map[c.pk] = new
            pending.remove(c)
            progressed = True
        if not progressed:  # pragma: no cover - a cycle cannot be stored through the services
            raise ValidationError(_("The criteria of %(year)s contain a cycle.") % {"year": previous.year})
    return len(criterion_map)

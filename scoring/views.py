from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cluster import selectors as cluster_selectors
from cluster.enums import DeadlineKey
from cluster.views import YearMixin, apply_validation_error
from common.confirm import confirmation_page, is_confirmed
from common.html import two_places
from common.uploads import max_bytes

from . import selectors, selectors_peer, services
from .charts import PHONE as PHONE_CHART
from .charts import bar_chart
from .enums import COMPUTED_KINDS
from .forms import CriterionForm, ReturnForm, SectionForm
from .grid import AppraisalGrid, ScorecardGrid
from .models import Criterion, Section

# --- Year pages ----------------------------------------------------------------------------


class ScorecardListView(YearMixin, TemplateView):
    """The members' scorecards of the year with their status; the way into one's own."""

    template_name = "scoring/scorecard_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cards = selectors.scorecards_of_year(self.emulation_year)
        user = self.request.user
        rows = []
        for membership in self.emulation_year.memberships.all():
            card = cards.get(membership.province_id)
            rows.append((membership, card, bool(card and user.has_perm("scoring.view_scorecard", card))))
        context.update(rows=rows, board=selectors.scoreboard_of(self.emulation_year))
        return context


class ScorecardOpenOwnView(YearMixin, View):
    """Staff open (create on first use) their province's scorecard of the year."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if request.user.province is None:
            raise Http404
        try:
            scorecard = services.scorecard_get_or_create(
                emulation_year=self.emulation_year, province=request.user.province
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("scoring:scorecards", cluster_id=self.cluster.pk, year=self.emulation_year.year)
        return redirect("scoring:scorecard", pk=scorecard.pk)


class ScoreboardView(YearMixin, TemplateView):
    permission_required = "scoring.view_scoreboard"
    template_name = "scoring/scoreboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table, rows = selectors.scoreboard_rows(self.emulation_year)
        board = selectors.scoreboard_of(self.emulation_year)
        bars = [(r.membership.province.name, r.agreed_total, r.rank) for r in rows]
        chart, phone_chart = bar_chart(bars), bar_chart(bars, **PHONE_CHART)
        context.update(
            table=table,
            rows=rows,
            board=board,
            chart=chart,
            phone_chart=phone_chart,
            can_lock=self.request.user.has_perm("scoring.lock_scoring", self.emulation_year),
            lock_blockers=services.scoreboard_lock_blockers(self.emulation_year) if not board.is_locked else [],
            agreed_by=selectors_peer.agreed_by(self.emulation_year),
        )
        return context


class ScoreboardLockView(YearMixin, View):
    """The chair locks the scoring of the year and stores the ranking."""

    permission_required = "scoring.lock_scoring"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        year = self.emulation_year.year
        if not is_confirmed(request):
            return confirmation_page(
                request,
                title=_("Lock the scoring of %(year)s") % {"year": year},
                frozen=_(
                    "Nobody can change a score, a criterion or the scoring rules of %(year)s any more; the ranking "
                    "below is stored and goes to the review meeting."
                )
                % {"year": year},
                lines=selectors.lock_summary_lines(self.emulation_year),
                cancel_url=reverse("scoring:scoreboard", args=[self.cluster.pk, year]),
            )
        try:
            services.scoreboard_lock(emulation_year=self.emulation_year, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The scoring of %(year)s is locked and the ranking is stored.") % {"year": year}
            )
        return redirect("scoring:scoreboard", cluster_id=self.cluster.pk, year=year)


class CriteriaView(YearMixin, TemplateView):
    template_name = "scoring/criteria.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            table=selectors.criteria_table(self.emulation_year),
            can_edit=self.request.user.has_perm("scoring.edit_criteria", self.emulation_year),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("scoring.edit_criteria", self.emulation_year):
            raise PermissionDenied
        try:
            count = services.criteria_copy_from_previous(emulation_year=self.emulation_year, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(count)s criteria copied from the previous year.") % {"count": count})
        return redirect("scoring:criteria", cluster_id=self.cluster.pk, year=self.emulation_year.year)


class CriteriaEditMixin(YearMixin):
    permission_required = "scoring.edit_criteria"
    template_name = "scoring/criterion_form.html"
    model = None
    form_class = None

    def get_object(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        lookup = (
            {"section__emulation_year": self.emulation_year}
            if self.model is Criterion
            else {"emulation_year": self.emulation_year}
        )
        return get_object_or_404(self.model, pk=pk, **lookup)

    def get_form(self, data=None):
        instance = self.get_object() or (
            Criterion() if self.model is Criterion else Section(emulation_year=self.emulation_year)
        )
        if self.model is Criterion:
            return self.form_class(data, instance=instance, emulation_year=self.emulation_year)
        return self.form_class(data, instance=instance)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context["object"] = self.get_object()
        context["is_section"] = self.model is Section
        return context

    def post(self, request, *args, **kwargs):
        if "delete" in request.POST:
            obj = self.get_object()
            if obj is None:
                raise Http404
            try:
                (services.criterion_delete if self.model is Criterion else services.section_delete)(
                    **{"criterion" if self.model is Criterion else "section": obj}, user=request.user
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(request.path)
            messages.success(request, _("Deleted."))
            return redirect("scoring:criteria", cluster_id=self.cluster.pk, year=self.emulation_year.year)
        form = self.get_form(request.POST)
        if form.is_valid():
            obj = form.save(commit=False)
            try:
                if self.model is Criterion:
                    services.criterion_save(criterion=obj, user=request.user)
                else:
                    obj.emulation_year = self.emulation_year
                    services.section_save(section=obj, user=request.user)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("scoring:criteria", cluster_id=self.cluster.pk, year=self.emulation_year.year)
        return self.render_to_response(self.get_context_data(form=form))


class SectionEditView(CriteriaEditMixin, TemplateView):
    model = Section
    form_class = SectionForm


class CriterionEditView(CriteriaEditMixin, TemplateView):
    model = Criterion
    form_class = CriterionForm


# --- One scorecard ---------------------------------------------------------------------------


class ScorecardMixin:
    #: What a page needs beyond reading the scorecard (`scorecard_get_for_user` checks that,
    #: answering 404): refused, a 403.
    permission_required = None

    def dispatch(self, request, *args, **kwargs):
        self.scorecard = selectors.scorecard_get_for_user(request.user, kwargs["pk"])
        self.emulation_year = self.scorecard.emulation_year
        if self.permission_required and not request.user.has_perm(self.permission_required, self.scorecard):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def save_form(self, form, save, done):
        """Validate, save through the service, answer: refused values stay on the form (400,
        nothing saved); somebody else's save in between shows the current values."""
        if form.is_valid():
            try:
                card = save(form.cleaned_data)
            except services.ConcurrentEditError as error:
                # Keep what this person typed and show the values saved meanwhile beside it; the
                # form now carries the current version, so saving again is a deliberate choice.
                messages.error(self.request, " ".join(error.messages))
                self.scorecard.refresh_from_db()
                data = self.request.POST.copy()
                data["version"] = self.scorecard.version
                kept = form.__class__(data, leaves=form.leaves)
                return self.render_to_response(self.get_context_data(form=kept, conflict=True), status=409)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return done(card)
        if not any(field.startswith(SUMMARISED) for field in form.errors):
            # Refused values of criteria are listed at the top of the page, each linking to its criterion.
            messages.error(self.request, _("Nothing was saved: correct the values marked in red."))
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def base_context(self):
        user = self.request.user
        table = selectors.criteria_table(self.emulation_year)
        scores = selectors.scores_by_criterion(self.scorecard)
        return {
            "scorecard": self.scorecard,
            "emulation_year": self.emulation_year,
            "cluster": self.emulation_year.cluster,
            "table": table,
            "scores": scores,
            "can_edit": user.has_perm("scoring.edit_self_score", self.scorecard),
            "can_submit": user.has_perm("scoring.submit_scorecard", self.scorecard),
            "can_agree": user.has_perm("scoring.agree_scores", self.scorecard),
            "can_return": user.has_perm("scoring.return_scorecard", self.scorecard),
            "can_explain": user.has_perm("scoring.explain_score", self.scorecard),
            "can_read_explanation": user.has_perm("scoring.read_explanation", self.scorecard),
            "can_cross_score": user.has_perm("scoring.cross_score", self.scorecard),
            "can_see_cross_scores": user.has_perm("scoring.view_cross_scores", self.scorecard),
        }


def _score_rows(table, scores, form):
    """Rows for the template: each criterion with its score and, for leaves, the grid's inputs
    (`scoring.grid.Cell`: value, text and evidence)."""
    blocks = []
    for block in table.sections:
        rows = []
        for row in block.rows:
            score = scores.get(row.criterion.pk)
            fields = form.cells(row.criterion.pk) if form is not None and row.is_leaf else None
            rows.append(
                {
                    "row": row,
                    "score": score,
                    "fields": fields,
                    "evidence": score.evidence_files if score is not None else [],
                    "computed": row.criterion.kind in COMPUTED_KINDS,
                }
            )
        blocks.append({"block": block, "rows": rows})
    return blocks


class ScorecardView(ScorecardMixin, TemplateView):
    template_name = "scoring/scorecard.html"

    def initial(self, scores, leaves):
        initial, language = {"version": self.scorecard.version}, get_language()
        for c in leaves:
            score = scores.get(c.pk)
            if score and c.kind in COMPUTED_KINDS:  # the province types the figure
                if score.reported_value is not None:
                    initial[f"score_{c.pk}"] = two_places(score.reported_value, language)
            elif score and score.self_score is not None:
                initial[f"score_{c.pk}"] = two_places(score.self_score, language)
            if score:
                initial[f"note_{c.pk}"] = score.note
        return initial

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        if form is None and context["can_edit"]:
            form = ScorecardGrid(
                initial=self.initial(context["scores"], context["table"].leaves), leaves=context["table"].leaves
            )
        context["form"] = form
        context["blocks"] = _score_rows(context["table"], context["scores"], form)
        context["missing"] = (
            services.scorecard_missing(self.scorecard, table=context["table"], scores=context["scores"])
            if context["can_submit"]
            else []
        )
        context["return_form"] = ReturnForm() if context["can_return"] else None
        context["tab"] = "scores"
        context["error_summary"] = _error_summary(form, context["table"]) if form is not None else []
        context["evidence_max_bytes"] = max_bytes()
        self._explanations_context(context)
        stored = self.scorecard.self_section_totals or {}
        context["section_totals"] = [
            (block.section.code, Decimal(stored.get(block.section.code, "0"))) for block in context["table"].sections
        ]
        return context

    def _explanations_context(self, context):
        """The rows' explanations: the scored province (and the chair, an admin) read the
        cross-scores that differ from the self-score, each with its reason, and the province
        answers them and the appraiser's changes before the deadline; and the criteria whose
        explanation form the rows' buttons submit."""
        if self.request.user.has_perm("scoring.read_cross_scores_given", self.scorecard):
            given = selectors_peer.cross_scores_for_explanation(self.scorecard)
        else:
            given = {}
        deadline = (
            cluster_selectors.deadline_closes_on(self.emulation_year, DeadlineKey.EXPLANATIONS)
            if context["can_explain"]
            else None
        )
        context["explanation_deadline"] = deadline
        explainable = []
        for item in context["blocks"]:
            for r in item["rows"]:
                r["given"] = given.get(r["row"].criterion.pk, [])
                s = r["score"]
                r["explained_late"] = bool(
                    deadline and s is not None and s.explained_at and timezone.localdate(s.explained_at) > deadline
                )
                r["explainable"] = s is not None and s.is_explainable(r["given"])
                if r["explainable"]:
                    explainable.append(r["row"].criterion.pk)
        # The forms the rows' explanation buttons submit (`form=` attributes), outside the page's
        # form; the files' remove buttons share one (scoring/scorecard.html).
        context["explainable"] = explainable if context["can_explain"] else []

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("scoring.edit_self_score", self.scorecard):
            raise PermissionDenied
        leaves = selectors.criteria_table(self.emulation_year).leaves
        form = ScorecardGrid(request.POST, request.FILES, leaves=leaves)

        def done(card):
            if "submit" in request.POST:
                # The draft is saved; submitting waits for the confirmation of the totals.
                self.scorecard.refresh_from_db()
                return _submit_confirmation(request, self.scorecard)
            messages.success(request, _("The draft is saved."))
            return redirect("scoring:scorecard", pk=self.scorecard.pk)

        return self.save_form(
            form,
            lambda data: services.scorecard_save_self(
                scorecard=self.scorecard,
                user=request.user,
                version=data["version"],
                entries=form.entries(),
                files=form.uploads(),
            ),
            done,
        )


#: The fields of a criterion, whose refused values the summary at the top of the page lists.
SUMMARISED = ("score_", "note_", "evidence_", "agreed_", "peer_", "reason_")


def _error_summary(form, table):
    """(anchor, text) for each refused value of a bound form, in the order of the criteria: the
    list at the top of the page that jumps to each criterion."""
    if not form.is_bound or not form.errors:
        return []
    summary = []
    for criterion in table.leaves:
        for prefix in SUMMARISED:
            for message in form.errors.get(f"{prefix}{criterion.pk}", []):
                summary.append((f"criterion-{criterion.pk}", f"{criterion.code}. {criterion.title}: {message}"))
    return summary


def _submit_confirmation(request, scorecard):
    """The page before the irreversible submit: the totals and whatever is still missing."""
    table = selectors.criteria_table(scorecard.emulation_year)
    missing = services.scorecard_missing(scorecard, table=table)
    sections = scorecard.self_section_totals or {}
    lines = [
        _("%(code)s. %(title)s: %(points)s / %(max)s")
        % {
            "code": block.section.code,
            "title": block.section.title,
            "points": number_format(sections.get(block.section.code, "0"), 2),
            "max": number_format(block.max_points or 0, 2),
        }
        for block in table.sections
    ]
    lines.append(
        _("Self-score total: %(total)s / %(max)s")
        % {"total": number_format(scorecard.self_total, 2), "max": number_format(table.maxima.total, 2)}
    )
    if missing:
        lines.append(_("Still missing (submitting is refused until they are done):"))
        lines.extend(missing)
    else:
        lines.append(_("Nothing is missing. Bonus and deduction lines left blank count as 0."))
    return confirmation_page(
        request,
        title=_("Submit the scorecard of %(province)s to the chair") % {"province": scorecard.province.name},
        frozen=_(
            "Once submitted, the province can no longer change its scores, notes or evidence, unless the "
            "chair returns the scorecard."
        ),
        lines=lines,
        cancel_url=reverse("scoring:scorecard", args=[scorecard.pk]),
        context={"action": reverse("scoring:scorecard_submit", args=[scorecard.pk])},
    )


class CrossCheckView(ScorecardMixin, TemplateView):
    permission_required = "scoring.agree_scores"
    template_name = "scoring/cross_check.html"

    def get_context_data(self, form=None, **kwargs):

        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        if form is None:
            # The appraisal starts empty: only what an appraiser has agreed is filled in.
            initial, language = {"version": self.scorecard.version}, get_language()
            for c in context["table"].leaves:
                score = context["scores"].get(c.pk)
                if score and score.agreed_score is not None:
                    initial[f"agreed_{c.pk}"] = two_places(score.agreed_score, language)
                    initial[f"reason_{c.pk}"] = score.agreed_reason
            form = AppraisalGrid(initial=initial, leaves=context["table"].leaves)
        context["form"] = form
        context["blocks"] = _score_rows(context["table"], context["scores"], form)
        context["error_summary"] = _error_summary(form, context["table"])
        context["tab"] = "cross_check"
        return context

    def post(self, request, *args, **kwargs):
        leaves = selectors.criteria_table(self.emulation_year).leaves
        if "agree_unchanged" in request.POST:
            version = request.POST.get("version", "")
            try:
                card = services.scorecard_agree_unchanged(
                    scorecard=self.scorecard, user=request.user, version=int(version) if version.isdigit() else -1
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Every score not changed is agreed as self-scored, under your name."))
                if card.status == "agreed":
                    messages.success(request, _("Every criterion of this scorecard is agreed."))
            return redirect("scoring:cross_check", pk=self.scorecard.pk)
        form = AppraisalGrid(request.POST, leaves=leaves)

        def done(card):
            messages.success(
                request,
                _("The agreed scores are saved.")
                if card.status != "agreed"
                else _("Every criterion of this scorecard is agreed."),
            )
            return redirect("scoring:cross_check", pk=self.scorecard.pk)

        return self.save_form(
            form,
            lambda data: services.scorecard_save_agreed(
                scorecard=self.scorecard, user=request.user, version=data["version"], entries=form.entries()
            ),
            done,
        )


class ScorecardActionView(ScorecardMixin, View):
    """POST-only actions on a scorecard: submit and return."""

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        try:
            if action == "submit":
                if not request.user.has_perm("scoring.submit_scorecard", self.scorecard):
                    raise PermissionDenied
                if not is_confirmed(request):
                    return _submit_confirmation(request, self.scorecard)
                services.scorecard_submit(scorecard=self.scorecard, user=request.user)
                messages.success(request, _("The scorecard is submitted to the chair."))
            elif action == "return":
                if not request.user.has_perm("scoring.return_scorecard", self.scorecard):
                    raise PermissionDenied
                form = ReturnForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors["reason"])
                services.scorecard_return(
                    scorecard=self.scorecard, user=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The scorecard is returned to its province with your reason."))
            else:
                raise Http404
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        # A returned scorecard is its province's again: the chair may no longer read it.
        self.scorecard.refresh_from_db()
        if not request.user.has_perm("scoring.view_scorecard", self.scorecard):
            return redirect(
                "scoring:scorecards", cluster_id=self.emulation_year.cluster_id, year=self.emulation_year.year
            )
        return redirect("scoring:scorecard", pk=self.scorecard.pk)


def province_results(request, code):
    from provinces.selectors import province_with_history

    province = province_with_history(code)
    if province is None:
        raise Http404
    return render(
        request,
        "scoring/province_results.html",
        {"province": province, "scorecards": selectors.province_results_across_years(province, user=request.user)},
    )

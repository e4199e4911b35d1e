"""Cross-scoring (chấm chéo) pages: the year's list, a member's scoring of another's scorecard
(laptop and phone), the chair's pairs and the chair's aggregation. The rules are in
`scoring.services_peer`; these views only read the form and show the answer."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cluster import selectors as cluster_selectors
from cluster.enums import PeerAssignment
from cluster.rules import is_member_of_year
from cluster.views import YearMixin, apply_validation_error
from common.confirm import confirmation_page, is_confirmed

from . import selectors, selectors_peer, services, services_peer
from .grid import PeerGrid
from .models import PeerReview, Scorecard
from .views import ScorecardMixin, _error_summary, _score_rows


class CrossScoringView(YearMixin, TemplateView):
    """The year's cross-scoring: what the signed-in member scores, and for the chair every
    scorecard's progress, its flagged criteria and (pairs mode) who scores whom."""

    permission_required = "scoring.view_cross_scoring"
    template_name = "scoring/peer_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, year = self.request.user, self.emulation_year
        rule_set = year.rule_set
        is_member = is_member_of_year(user, year)
        context.update(
            rule_set=rule_set,
            tasks=selectors_peer.peer_tasks(year, user.province_id) if is_member else [],
            is_member=is_member,
            progress=selectors_peer.peer_progress(year) if user.has_perm("scoring.follow_cross_scoring", year) else [],
            can_assign=user.has_perm("scoring.assign_cross_scoring", year)
            and rule_set.peer_assignment == PeerAssignment.PAIRS,
        )
        if context["can_assign"]:
            members = [m.province for m in cluster_selectors.members_of(year)]
            cards = Scorecard.objects.filter(emulation_year=year).select_related("province").order_by("province__name")
            assigned = selectors_peer.assigned_pairs(year)
            context["pairs_grid"] = [
                (card, [(p, p.pk == card.province_id, (p.pk, card.pk) in assigned) for p in members]) for card in cards
            ]
            context["pair_members"] = members
        return context


class PeerPairsView(YearMixin, View):
    """The chair's assignment of who cross-scores whom (pairs mode): the whole grid at once."""

    permission_required = "scoring.assign_cross_scoring"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        year = self.emulation_year
        cards = {c.pk: c for c in Scorecard.objects.filter(emulation_year=year)}
        pairs = []
        for name in request.POST.getlist("pair"):
            scorer, _sep, card = name.partition("-")
            if scorer.isdigit() and card.isdigit() and int(card) in cards:
                pairs.append((int(scorer), cards[int(card)]))
        try:
            _created, kept = services_peer.peer_pairs_assign(
                emulation_year=year, user=request.user, pairs=pairs, replace=True
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The pairs are saved."))
            for review in kept:
                messages.warning(
                    request,
                    _("%(scorer)s has already started scoring %(province)s: that pair is kept.")
                    % {"scorer": review.scorer.name, "province": review.scorecard.province.name},
                )
        return redirect("scoring:cross_scoring", cluster_id=self.cluster.pk, year=year.year)


class PeerReviewView(ScorecardMixin, TemplateView):
    """A member's cross-scoring of another member's submitted scorecard: the self-score, figure
    and evidence of each criterion beside the member's own score and reason. Once submitted it
    is read-only and shows the other members' submitted cross-scores."""

    template_name = "scoring/peer_review.html"

    def review(self):
        user = self.request.user
        if user.province_id is None:
            return None
        return PeerReview.objects.filter(scorecard=self.scorecard, scorer_id=user.province_id).first()

    def get_context_data(self, form=None, **kwargs):
        if not self.request.user.has_perm("scoring.cross_score", self.scorecard):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        review = self.review()
        submitted = bool(review and review.submitted_at)
        leaves = context["table"].leaves
        if form is None and not submitted:
            initial = {"version": review.version if review else 0}
            if review:
                for peer in review.scores.select_related("score"):
                    if peer.value is not None:
                        initial[f"peer_{peer.score.criterion_id}"] = number_format(peer.value, 2)
                    initial[f"reason_{peer.score.criterion_id}"] = peer.reason
            form = PeerGrid(initial=initial, leaves=leaves)
        context.update(
            review=review,
            submitted=submitted,
            form=form,
            blocks=_score_rows(context["table"], context["scores"], form),
            error_summary=_error_summary(form, context["table"]) if form is not None else [],
            tab="peer",
        )
        if submitted:  # "see the others after your own"
            given = {}
            for peer in services_peer.peer_scores_visible_to(self.scorecard, self.request.user):
                given.setdefault(peer.score.criterion_id, []).append(peer)
            mine = {p.score.criterion_id: p for p in review.scores.select_related("score")}
            for item in context["blocks"]:
                for row in item["rows"]:
                    row["mine"] = mine.get(row["row"].criterion.pk)
                    row["others"] = [p for p in given.get(row["row"].criterion.pk, []) if p.review_id != review.pk]
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("scoring.cross_score", self.scorecard):
            raise PermissionDenied
        leaves = selectors.criteria_table(self.emulation_year).leaves
        form = PeerGrid(request.POST, leaves=leaves)
        if not form.is_valid():
            messages.error(request, _("Nothing was saved: correct the values marked in red."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            review = services_peer.peer_review_get_or_create(scorecard=self.scorecard, user=request.user)
            services_peer.peer_review_save(
                review=review, user=request.user, version=form.cleaned_data["version"], entries=form.entries()
            )
        except services.ConcurrentEditError as error:
            messages.error(request, " ".join(error.messages))
            data = request.POST.copy()
            data["version"] = self.review().version
            kept = PeerGrid(data, leaves=leaves)
            return self.render_to_response(self.get_context_data(form=kept), status=409)
        except ValidationError as error:
            apply_validation_error(form, error)
            messages.error(request, _("Nothing was saved: correct the values marked in red."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if "submit" in request.POST:
            return _submit_confirmation(request, self.scorecard)
        messages.success(request, _("Your cross-scoring is saved as a draft."))
        return redirect("scoring:peer_review", pk=self.scorecard.pk)


def _submit_confirmation(request, scorecard):
    return confirmation_page(
        request,
        title=_("Submit your cross-scoring of %(province)s") % {"province": scorecard.province.name},
        frozen=_(
            "Once submitted, your cross-scores can no longer change; you then see the other members' "
            "submitted cross-scores of this scorecard."
        ),
        lines=[],
        cancel_url=reverse("scoring:peer_review", args=[scorecard.pk]),
        context={"action": reverse("scoring:peer_submit", args=[scorecard.pk])},
    )


class PeerSubmitView(ScorecardMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("scoring.cross_score", self.scorecard):
            raise PermissionDenied
        if not is_confirmed(request):
            return _submit_confirmation(request, self.scorecard)
        review = PeerReview.objects.filter(scorecard=self.scorecard, scorer_id=request.user.province_id).first()
        try:
            if review is None:
                raise ValidationError(_("Save your cross-scores first: nothing is entered yet."))
            services_peer.peer_review_submit(review=review, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Your cross-scoring of %(province)s is submitted.") % {"province": self.scorecard.province.name},
            )
        return redirect("scoring:peer_review", pk=self.scorecard.pk)


class PeerResultsView(ScorecardMixin, TemplateView):
    """The chair's page of one scorecard's cross-scores: every scorer's score and reason, the
    agreed score the year's rule gives, the spread and its flag; the button that agrees them."""

    template_name = "scoring/peer_results.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        year = self.emulation_year
        if not user.has_perm("scoring.view_cross_scores", self.scorecard):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        scorers = list(
            PeerReview.objects.filter(scorecard=self.scorecard, submitted_at__isnull=False)
            .select_related("scorer")
            .order_by("scorer__name")
        )
        context.update(
            rule_set=year.rule_set,
            scorers=scorers,
            lines=selectors_peer.peer_lines(self.scorecard, context["table"].leaves, scorers),
            can_aggregate=user.has_perm("scoring.aggregate_cross_scores", self.scorecard),
            tab="peer_results",
        )
        return context


class PeerAggregateView(ScorecardMixin, View):
    """The chair agrees the scores of one scorecard from its submitted cross-scores."""

    permission_required = "scoring.aggregate_cross_scores"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            count = services_peer.peer_aggregate(scorecard=self.scorecard, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(count)s agreed scores of %(province)s come from the cross-scoring.")
                % {"count": count, "province": self.scorecard.province.name},
            )
        return redirect("scoring:peer_results", pk=self.scorecard.pk)

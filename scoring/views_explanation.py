"""Explanations (giải trình) of changed scores: the province answers the appraiser's reason on its
scorecard page; the appraiser marks the answer read on the cross-check page. POST only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from . import services
from .models import Score
from .views import ScorecardMixin, ScorecardView


class ScoreExplainView(ScorecardView):
    """A refused explanation is shown again in the page, with its error beside it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("scoring.explain_score", self.scorecard):
            raise PermissionDenied
        criterion_id = kwargs["criterion_id"]
        score = get_object_or_404(Score, scorecard=self.scorecard, criterion_id=criterion_id)
        text = request.POST.get("explanation", "")
        try:
            services.score_explain(score=score, user=request.user, text=text)
        except ValidationError as error:
            errors = error.message_dict.get("explanation", []) if hasattr(error, "error_dict") else error.messages
            messages.error(request, _("The explanation is not saved: correct it below."))
            context = self.get_context_data(explain_criterion=criterion_id, explain_text=text, explain_errors=errors)
            return self.render_to_response(context, status=400)
        messages.success(request, _("The explanation is sent to the appraiser."))
        return redirect(reverse("scoring:scorecard", args=[self.scorecard.pk]) + f"#criterion-{criterion_id}")


class ExplanationReadView(ScorecardMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("scoring.read_explanation", self.scorecard):
            raise PermissionDenied
        criterion_id = kwargs["criterion_id"]
        score = get_object_or_404(Score, scorecard=self.scorecard, criterion_id=criterion_id)
        try:
            services.explanation_mark_read(score=score, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The explanation is marked as read."))
        return redirect(reverse("scoring:cross_check", args=[self.scorecard.pk]) + f"#criterion-{criterion_id}")

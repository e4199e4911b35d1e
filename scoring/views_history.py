"""The scorecard's history tab: who changed what, when, and why."""

from django.views.generic import TemplateView

from .history import scorecard_history
from .views import ScorecardMixin


class ScorecardHistoryView(ScorecardMixin, TemplateView):
    """Readable by whoever may read the scorecard (others get a 404 from the mixin)."""

    permission_required = "scoring.view_history"
    template_name = "scoring/scorecard_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            scorecard=self.scorecard,
            emulation_year=self.emulation_year,
            cluster=self.emulation_year.cluster,
            can_agree=self.request.user.has_perm("scoring.agree_scores", self.scorecard),
            entries=scorecard_history(self.scorecard),
            tab="history",
        )
        return context

"""Excel downloads (scoreboard, scorecard template) and the scorecard import page."""

from io import BytesIO

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from cluster.views import YearMixin
from common.downloads import private_file_response

from . import excel, selectors
from .views import ScorecardMixin


def _xlsx_response(workbook, filename):
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return private_file_response(
        buffer, filename=filename, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


class ScoreboardExcelView(YearMixin, View):
    permission_required = "scoring.view_scoreboard"

    def get(self, request, *args, **kwargs):
        workbook = excel.scoreboard_workbook(self.emulation_year)
        return _xlsx_response(workbook, f"bang-diem-{self.emulation_year.year}.xlsx")


class ScoreDetailExcelView(YearMixin, View):
    """The detailed table: every criterion's self and agreed score, members as on the scoreboard."""

    permission_required = "scoring.view_scoreboard"

    def get(self, request, *args, **kwargs):
        workbook = excel.score_detail_workbook(self.emulation_year)
        return _xlsx_response(workbook, f"bang-diem-chi-tiet-{self.emulation_year.year}.xlsx")


def scorecard_xlsx(request, pk):
    scorecard = selectors.scorecard_get_for_user(request.user, pk)
    filename = f"tu-cham-{scorecard.province.code}-{scorecard.emulation_year.year}.xlsx"
    return _xlsx_response(excel.scorecard_workbook(scorecard), filename)


class ScorecardImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class ScorecardImportView(ScorecardMixin, TemplateView):
    permission_required = "scoring.edit_self_score"
    template_name = "scoring/scorecard_import.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.base_context(), form=form or ScorecardImportForm(), tab="import")
        return context

    def post(self, request, *args, **kwargs):
        form = ScorecardImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                count = excel.scorecard_import(
                    scorecard=self.scorecard, user=request.user, file=form.cleaned_data["file"]
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The self-score of %(count)s criterion is imported. Check it, then submit the scorecard.",
                        "The self-scores of %(count)s criteria are imported. Check them, then submit the scorecard.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("scoring:scorecard", pk=self.scorecard.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

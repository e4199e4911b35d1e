"""The electronic secret ballot: the delegates' vote page (no login) and the chair's console
for an electronic round (open, print codes, close, cancel). Rules live in `awards.electronic`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from cluster.enums import BallotTieRule
from common.confirm import confirmation_page, is_confirmed

from . import electronic, selectors
from .models import AwardType, Delegation
from .views import MeetingMixin

MAX_CODE_INPUT = 100


def _errors(error):
    return error.message_dict if hasattr(error, "error_dict") else {"code": error.messages}


@method_decorator(login_not_required, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class VoteView(View):
    """A delegate votes with a one-time code. Step 1 (`code`) shows the ballot; step 2
    (`code`, `choice` × n nomination ids, or `blank`) casts it once. Writes no session and
    no log: only `electronic.vote_cast` writes, and it stores only the ballot and the choice."""

    template_name = "awards/electronic/vote.html"

    def get(self, request):
        return render(request, self.template_name, {})

    def post(self, request):
        code = request.POST.get("code", "")[:MAX_CODE_INPUT]
        step = request.POST.get("step", "")
        try:
            vote_ballot = electronic.ballot_for_code(code)
        except ValidationError as error:
            return render(request, self.template_name, {"code": code, "errors": _errors(error)}, status=400)
        context = {
            "code": electronic.normalise_code(code),
            "ballot": vote_ballot.ballot,
            "candidates": vote_ballot.candidates,
        }
        if step != "cast":
            return render(request, self.template_name, context)
        choices = request.POST.getlist("choice")[:100]
        blank = bool(request.POST.get("blank"))
        context.update(chosen={str(c) for c in choices}, blank=blank)
        try:
            electronic.vote_cast(code=code, choices=choices, blank=blank)
        except ValidationError as error:
            context["errors"] = _errors(error)
            if "code" in context["errors"]:
                context.pop("ballot")
            return render(request, self.template_name, context, status=400)
        return render(request, self.template_name, {"cast": True, "ballot": vote_ballot.ballot})


class ElectronicBallotView(MeetingMixin, TemplateView):
    """The chair's console of an electronic round of one award: open it, print codes, follow
    the count (n of N, no partial result), close it (after a confirmation) or cancel it."""

    template_name = "awards/electronic/console.html"

    def setup_round(self):
        self.award_type = get_object_or_404(AwardType, code=self.kwargs["award"])
        self.meeting = selectors.meeting_of(self.emulation_year)
        self.ballot = electronic.open_ballot(self.meeting, self.award_type)

    def ballot_url(self):
        return reverse("awards:electronic", args=[self.cluster.pk, self.emulation_year.year, self.award_type.code])

    def get_context_data(self, errors=None, **kwargs):
        context = super().get_context_data(**kwargs)
        present = Delegation.objects.filter(meeting=self.meeting, present=True).count() if self.meeting else 0
        upcoming = selectors.next_round(self.meeting, self.award_type) if self.meeting else None
        context.update(
            award_type=self.award_type,
            meeting=self.meeting,
            ballot=self.ballot,
            present=present,
            upcoming=upcoming,
            candidates=list(self.ballot.candidates.select_related("province")) if self.ballot else [],
            chair_vote=self.emulation_year.rule_set.ballot_tie_rule == BallotTieRule.CHAIR_VOTE,
            errors=errors or {},
            vote_url=self.request.build_absolute_uri(reverse("awards:vote")),
            paper_url=reverse("awards:ballot", args=[self.cluster.pk, self.emulation_year.year, self.award_type.code]),
        )
        return context

    def get(self, request, *args, **kwargs):
        self.setup_round()
        if self.meeting is None:
            messages.error(request, _("Set up the meeting first."))
            return self.back()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_round()
        if self.meeting is None:
            return self.back()
        action = request.POST.get("action")
        try:
            if action == "open":
                self.ballot = electronic.electronic_ballot_open(
                    meeting=self.meeting, award_type=self.award_type, user=request.user
                )
                messages.success(request, _("The electronic ballot is open: print the ballot codes."))
                return redirect(self.ballot_url())
            if self.ballot is None:
                messages.error(request, _("No electronic ballot of this award is open."))
                return redirect(self.ballot_url())
            if action == "codes":
                return self.print_codes(request)
            if action == "close":
                return self.close(request)
            if action == "cancel":
                electronic.electronic_ballot_cancel(
                    ballot=self.ballot, reason=request.POST.get("reason", ""), user=request.user
                )
                messages.warning(request, _("The electronic ballot is cancelled: nothing was counted."))
                return redirect(self.ballot_url())
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=_errors_any(error)), status=400)
        return redirect(self.ballot_url())

    def print_codes(self, request):
        try:
            count = int(request.POST.get("count", ""))
        except ValueError:
            raise ValidationError({"count": _("Enter a whole number.")}) from None
        codes = electronic.ballot_codes_issue(ballot=self.ballot, count=count, user=request.user)
        pdf = codes_pdf(self.ballot, codes, self.request.build_absolute_uri(reverse("awards:vote")))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="phieu-bau-{self.award_type.code}-vong-{self.ballot.number}.pdf"'
        )
        response["Cache-Control"] = "no-store"
        return response

    def close(self, request):
        ballot = self.ballot
        if not is_confirmed(request):
            return confirmation_page(
                request,
                title=_("Close the electronic ballot"),
                frozen=_(
                    "No code can vote after closing, and the count is recorded as the round's ballot-count record."
                ),
                lines=[
                    _("%(award)s, round %(number)s") % {"award": self.award_type.name, "number": ballot.number},
                    _("%(used)s ballots received of %(issued)s codes issued.")
                    % {"used": ballot.codes_used, "issued": ballot.codes_issued},
                ],
                cancel_url=self.ballot_url(),
                fields={"action": "close"},
            )
        chair_choice = [int(c) for c in request.POST.getlist("chair_choice") if c.isdigit()]
        ballot_round = electronic.electronic_ballot_close(ballot=ballot, user=request.user, chair_choice=chair_choice)
        if ballot_round.needs_new_round:
            messages.warning(
                request,
                _("Round %(number)s is recorded: a tie at the cut-off needs a new round.")
                % {"number": ballot_round.number},
            )
        else:
            messages.success(
                request, _("Round %(number)s is recorded and confirmed.") % {"number": ballot_round.number}
            )
        return self.back()


def _errors_any(error):
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in error.message_dict[key]] for key in error.message_dict}
    return {"__all__": error.messages}


def codes_pdf(ballot, codes, vote_url):
    """The slips of the codes as a PDF (rendered, streamed, never stored)."""
    import segno
    from weasyprint import HTML

    slips = []
    for code in codes:
        url = f"{vote_url}#{code}"
        qr = segno.make(url, error="m")
        slips.append({"code": electronic.code_display(code), "qr": qr.svg_data_uri(scale=4, border=2)})
    with translation.override("vi"):
        html = render_to_string(
            "awards/electronic/codes_pdf.html",
            {"ballot": ballot, "slips": slips, "vote_url": vote_url, "year": ballot.meeting.emulation_year},
        )
    return HTML(string=html).write_pdf()

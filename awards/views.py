from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cluster import selectors as cluster_selectors
from cluster.enums import BallotTieRule
from cluster.forms import TermForm
from cluster.views import YearMixin, apply_validation_error
from common.confirm import confirmation_page, is_confirmed
from provinces.selectors import provinces_valid_in

from . import selectors, services
from .enums import PROPOSED_BY_THE_CLUSTER
from .forms import (
    AttendanceForm,
    BallotForm,
    CommitteeForm,
    DecisionForm,
    MeetingForm,
    NominationForm,
    ReopenForm,
)
from .models import AwardType, Nomination


class MeetingMixin(YearMixin):
    """Resolves the year; actions need `awards.run_meeting` (the chair province's staff, admins)."""

    permission_required = "awards.view_meeting"
    action_permission = "awards.run_meeting"
    #: Pages of the console's actions: every method needs `action_permission`.
    is_action = True

    def dispatch(self, request, *args, **kwargs):
        self.year_checks = [self.require_action] if self.is_action else []
        return super().dispatch(request, *args, **kwargs)

    def require_action(self):
        if not self.request.user.has_perm(self.action_permission, self.emulation_year):
            raise PermissionDenied

    def back(self):
        return redirect(self.console_url())

    def console_url(self):
        return reverse("awards:console", args=[self.cluster.pk, self.emulation_year.year])

    def meeting_or_back(self):
        meeting = selectors.meeting_of(self.emulation_year)
        if meeting is None:
            messages.error(self.request, _("Set up the meeting first."))
        return meeting

    def run(self, action, success):
        """Run a service; its refusal is shown as a message and nothing changes."""
        try:
            action()
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
        else:
            messages.success(self.request, success)
        return self.back()


class ConsoleView(MeetingMixin, TemplateView):
    template_name = "awards/console.html"
    is_action = False  # every member follows the console

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = selectors.meeting_of(self.emulation_year)
        steps = selectors.console_steps(self.emulation_year)
        rounds = selectors.rounds_of(meeting)
        rule_set = self.emulation_year.rule_set
        for ballot_round in rounds:
            ballot_round.explained = [(r, selectors.explain(r, rule_set)) for r in ballot_round.results.all()]
        nominations = selectors.nominations_of(self.emulation_year)
        next_step = next((s for s in steps if not s.done), None)
        user = self.request.user
        context.update(
            meeting=meeting,
            steps=steps,
            next_step=next_step,
            rounds=rounds,
            nominations=nominations,
            rule_set=rule_set,
            can_run=user.has_perm("awards.run_meeting", self.emulation_year),
            can_reopen=user.has_perm("awards.reopen_year", self.emulation_year),
            can_decide=[
                n.pk
                for n in nominations
                if n.status in PROPOSED_BY_THE_CLUSTER and user.has_perm("awards.record_decision", n)
            ],
            award_types=selectors.award_types_to_ballot(self.emulation_year, rounds),
            ballot_blockers=services.ballot_blockers(meeting) if meeting else [],
            quorum_requirement=selectors.quorum_requirement(self.emulation_year, meeting)
            if meeting and not meeting.attendance_confirmed_at
            else "",
            reopen_form=ReopenForm(),
            quota={t.pk: selectors.quota_for(self.emulation_year, t) for t in AwardType.objects.all()},
        )
        return context


class MeetingEditView(MeetingMixin, TemplateView):
    template_name = "awards/meeting_form.html"

    def get_form(self, data=None):
        meeting = selectors.meeting_of(self.emulation_year)
        members = cluster_selectors.members_of(self.emulation_year)
        initial = {}
        if meeting is None:
            chair, _vice = cluster_selectors.term_of(self.emulation_year)
            if chair:
                initial = {
                    "host_province": chair.province_id,
                    "place": _("Head office of the People's Committee of %(province)s")
                    % {"province": chair.province.name},
                }
        people = cluster_selectors.people_of(self.emulation_year)
        return MeetingForm(data, instance=meeting, initial=initial, members=members, people=people)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or self.get_form()
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                services.meeting_save(emulation_year=self.emulation_year, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The meeting is saved."))
                return self.back()
        return self.render_to_response(self.get_context_data(form=form))


class AttendanceView(MeetingMixin, TemplateView):
    template_name = "awards/attendance.html"

    def get_form(self, meeting, data=None):
        delegations = list(meeting.delegations.all())
        guests = list(meeting.guests.all())
        initial = {
            "guest_people": [g.person_id for g in guests if g.person_id],
            "guests": "\n".join(
                f"{g.full_name} – {g.post}" if g.post else g.full_name for g in guests if not g.person_id
            ),
        }
        written_awards = (
            selectors.written_vote_awards(self.emulation_year)
            if self.emulation_year.rule_set.written_votes_allowed
            else None
        )
        people = {}
        for person in cluster_selectors.people_of(self.emulation_year):
            people.setdefault(person.province_id, []).append(person)  # None: the central delegates
        for d in delegations:
            # Before the confirmation, a delegation that checked in is ticked (the secretary may untick it).
            checked_in = not meeting.attendance_confirmed_at and bool(d.checked_in_at)
            initial[f"present_{d.province_id}"] = d.present or checked_in
            initial[f"people_{d.province_id}"] = [p.person_id for p in d.delegates.all() if p.person_id]
            initial[f"delegates_{d.province_id}"] = "\n".join(
                f"{p.full_name} – {p.post}" if p.post else p.full_name for p in d.delegates.all() if not p.person_id
            )
            initial[f"written_{d.province_id}"] = d.written_opinion
            for award_type, _seats in written_awards or ():
                initial[f"written_{d.province_id}_{award_type.code}"] = [
                    v.province_id for v in d.written_votes.all() if v.award_type_id == award_type.pk
                ]
        return AttendanceForm(
            data, initial=initial, delegations=delegations, people=people, written_awards=written_awards
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["quorum_requirement"] = selectors.quorum_requirement(self.emulation_year, kwargs.get("meeting"))
        return context

    def get(self, request, *args, **kwargs):
        meeting = self.meeting_or_back()
        if meeting is None:
            return self.back()
        return self.render_to_response(self.get_context_data(form=self.get_form(meeting), meeting=meeting))

    def post(self, request, *args, **kwargs):
        meeting = self.meeting_or_back()
        if meeting is None:
            return self.back()
        form = self.get_form(meeting, request.POST)
        if form.is_valid():
            present = {d.province_id for d in form.delegations if form.cleaned_data[f"present_{d.province_id}"]}
            delegates = {
                d.province_id: form.picked(d) + services.parse_people(form.cleaned_data[f"delegates_{d.province_id}"])
                for d in form.delegations
            }
            try:
                meeting = services.attendance_confirm(
                    meeting=meeting,
                    present=present,
                    delegates=delegates,
                    guests=form.picked_guests() + services.parse_people(form.cleaned_data["guests"]),
                    written=form.written(),
                    user=request.user,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                if meeting.quorum_met:
                    messages.success(request, _("The attendance is confirmed and the quorum is met."))
                else:
                    messages.warning(request, services.ballot_blockers(selectors.meeting_of(self.emulation_year))[0])
                return self.back()
        return self.render_to_response(self.get_context_data(form=form, meeting=meeting))


class CommitteeView(MeetingMixin, TemplateView):
    """The meeting elects its vote-counting committee among the people present."""

    template_name = "awards/committee.html"

    def get_form(self, meeting, data=None):
        ids = [p.pk for p in selectors.committee_candidates(meeting)]
        people = cluster_selectors.people_of(self.emulation_year).filter(pk__in=ids)
        current = list(meeting.committee_members.all())
        initial = {
            "head": next((m.person_id for m in current if m.role == "head"), None),
            "members": [m.person_id for m in current if m.role != "head" and m.person_id],
        }
        return CommitteeForm(data, people=people, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["people_url"] = reverse("cluster:people", args=[self.cluster.pk, self.emulation_year.year])
        return context

    def get(self, request, *args, **kwargs):
        meeting = self.meeting_or_back()
        if meeting is None:
            return self.back()
        return self.render_to_response(self.get_context_data(form=self.get_form(meeting), meeting=meeting))

    def post(self, request, *args, **kwargs):
        meeting = self.meeting_or_back()
        if meeting is None:
            return self.back()
        form = self.get_form(meeting, request.POST)
        if form.is_valid():
            try:
                services.counting_committee_elect(
                    meeting=meeting,
                    head=form.cleaned_data["head"],
                    members=list(form.cleaned_data["members"]),
                    user=request.user,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The vote-counting committee is recorded."))
                return self.back()
        return self.render_to_response(self.get_context_data(form=form, meeting=meeting), status=400)


class RankingAdoptView(MeetingMixin, View):
    def post(self, request, *args, **kwargs):
        meeting = self.meeting_or_back()
        if meeting is None:
            return self.back()
        if not is_confirmed(request):
            return confirmation_page(
                request,
                title=_("Adopt the ranking of %(year)s") % {"year": self.emulation_year.year},
                frozen=_("The meeting adopts this ranking: the nominations follow it and it no longer changes."),
                lines=selectors.ranking_lines(self.emulation_year),
                cancel_url=self.console_url(),
            )
        return self.run(
            lambda: services.ranking_adopt(meeting=meeting, user=request.user), _("The meeting adopted the ranking.")
        )


class NominationsView(MeetingMixin, TemplateView):
    template_name = "awards/nominations.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            meeting=selectors.meeting_of(self.emulation_year),
            nominations=selectors.nominations_of(self.emulation_year),
            form=form or NominationForm(members=cluster_selectors.members_of(self.emulation_year)),
            quota={t: selectors.quota_for(self.emulation_year, t) for t in AwardType.objects.all()},
        )
        return context

    def post(self, request, *args, **kwargs):
        meeting = self.meeting_or_back()
        if meeting is None:
            return self.back()
        here = redirect("awards:nominations", cluster_id=self.cluster.pk, year=self.emulation_year.year)
        action = request.POST.get("action")
        try:
            if action == "defaults":
                services.nominations_propose_defaults(meeting=meeting, user=request.user)
                messages.success(request, _("The nominations follow the ranking."))
            elif action == "remove":
                nomination_id = request.POST.get("nomination", "")
                if not nomination_id.isdigit():
                    raise Http404
                nomination = get_object_or_404(Nomination, pk=nomination_id, emulation_year=self.emulation_year)
                services.nomination_remove(meeting=meeting, nomination=nomination, user=request.user)
                messages.success(request, _("The nomination is removed."))
            elif action == "confirm":
                if not is_confirmed(request):
                    return confirmation_page(
                        request,
                        title=_("Confirm the nominations of %(year)s") % {"year": self.emulation_year.year},
                        frozen=_("These candidates go to the secret ballot: none can be added, changed or removed."),
                        lines=selectors.nomination_lines(self.emulation_year),
                        fields={"action": "confirm"},
                        cancel_url=here.url,
                    )
                services.nominations_confirm(meeting=meeting, user=request.user)
                messages.success(request, _("The nominations are confirmed: the ballot can be opened."))
                return self.back()
            else:
                form = NominationForm(request.POST, members=cluster_selectors.members_of(self.emulation_year))
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form), status=400)
                try:
                    services.nomination_save(meeting=meeting, user=request.user, **form.cleaned_data)
                except ValidationError as error:
                    apply_validation_error(form, error)
                    return self.render_to_response(self.get_context_data(form=form), status=400)
                messages.success(request, _("The nomination is saved."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return here


class BallotView(MeetingMixin, TemplateView):
    """Record a round the vote-counting committee counted: counts and votes per candidate."""

    template_name = "awards/ballot_form.html"

    def setup_round(self):
        self.award_type = get_object_or_404(AwardType, code=self.kwargs["award"])
        self.meeting = selectors.meeting_of(self.emulation_year)
        self.correcting = self.request.GET.get("correct") == "1" or bool(self.request.POST.get("correction_reason"))

    def upcoming(self):
        return selectors.next_round(self.meeting, self.award_type, correcting=self.correcting)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        blockers = services.ballot_blockers(self.meeting)
        upcoming = self.upcoming()
        context.update(
            award_type=self.award_type,
            meeting=self.meeting,
            blockers=blockers,
            correcting=self.correcting,
            form=form or self.get_form(upcoming.candidates),
            rule_set=self.emulation_year.rule_set,
            seats=upcoming.seats,
            round_number=upcoming.number,
            written=selectors.written_opinions_for(self.meeting, self.award_type)
            if self.emulation_year.rule_set.written_votes_allowed
            else [],
        )
        return context

    def get_form(self, candidates, data=None):
        chair_vote = self.emulation_year.rule_set.ballot_tie_rule == BallotTieRule.CHAIR_VOTE
        return BallotForm(data, candidates=candidates, chair_vote=chair_vote)

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
        form = self.get_form(self.upcoming().candidates, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ballot_round = services.ballot_round_record(
                    meeting=self.meeting,
                    award_type=self.award_type,
                    issued=data["issued"],
                    returned=data["returned"],
                    valid=data["valid"],
                    invalid=data["invalid"],
                    votes=form.votes(),
                    user=request.user,
                    correction_reason=data["correction_reason"],
                    expected_number=data["round_number"],
                    chair_choice=form.chosen_by_chair(),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
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
        return self.render_to_response(self.get_context_data(form=form), status=400)


class NextTermView(MeetingMixin, TemplateView):
    template_name = "awards/term.html"

    def provinces(self):
        ids = [m.province_id for m in cluster_selectors.members_of(self.emulation_year)]
        return provinces_valid_in(self.emulation_year.year + 1).filter(pk__in=ids)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        members = cluster_selectors.members_of(self.emulation_year)
        proposal = cluster_selectors.rotation_proposal(
            cluster=self.cluster,
            year=self.emulation_year.year + 1,
            members=[(m.province, m.rotation_order) for m in members if m.province in self.provinces()],
        )
        if form is None:
            form = TermForm(
                provinces=self.provinces(),
                initial={
                    "chair": getattr(proposal.chair, "province_id", None),
                    "vice_chair": getattr(proposal.vice_chair, "province_id", None),
                },
            )
        context.update(form=form, proposal=proposal, next_year=self.emulation_year.year + 1)
        return context

    def post(self, request, *args, **kwargs):
        meeting = self.meeting_or_back()
        if meeting is None:
            return self.back()
        form = TermForm(request.POST, provinces=self.provinces())
        if form.is_valid():
            try:
                services.next_term_record(meeting=meeting, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Next year's chair and vice-chair are recorded."))
                return self.back()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CloseYearView(MeetingMixin, View):
    def post(self, request, *args, **kwargs):
        if not is_confirmed(request):
            return confirmation_page(
                request,
                title=_("Close the emulation year %(year)s") % {"year": self.emulation_year.year},
                frozen=_(
                    "Everything of the year becomes read-only for everybody: scores, covenant, meeting, ballots and "
                    "nominations (their decisions can still be recorded). "
                    "Only an admin can re-open it, giving the reason."
                ),
                lines=selectors.nomination_lines(self.emulation_year),
                cancel_url=self.console_url(),
            )
        return self.run(
            lambda: services.emulation_year_close(emulation_year=self.emulation_year, user=request.user),
            _("The emulation year %(year)s is closed.") % {"year": self.emulation_year.year},
        )


class ReopenYearView(MeetingMixin, View):
    action_permission = "awards.reopen_year"

    def post(self, request, *args, **kwargs):
        form = ReopenForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the year is re-opened."))
            return self.back()
        return self.run(
            lambda: services.emulation_year_reopen(
                emulation_year=self.emulation_year, reason=form.cleaned_data["reason"], user=request.user
            ),
            _("The emulation year %(year)s is re-opened.") % {"year": self.emulation_year.year},
        )


def decision_edit(request, pk):
    nomination = get_object_or_404(
        Nomination.objects.select_related("emulation_year__cluster", "province", "award_type"), pk=pk
    )
    if not request.user.has_perm("cluster.view_year", nomination.emulation_year):
        raise Http404
    if not request.user.has_perm("awards.record_decision", nomination):
        raise PermissionDenied
    year = nomination.emulation_year
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.nomination_record_progress(nomination=nomination, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, _("The nomination of %(province)s is updated.") % {"province": nomination.province}
                )
                return redirect("awards:console", cluster_id=year.cluster_id, year=year.year)
    else:
        form = DecisionForm(
            initial={
                "sent_on": nomination.sent_on,
                "decision_number": nomination.decision_number,
                "decision_date": nomination.decision_date,
                "outcome": nomination.outcome,
            }
        )
    return render(request, "awards/decision_form.html", {"nomination": nomination, "form": form})

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from provinces.selectors import provinces_valid_in

from . import selectors, services
from .enums import DeadlineKey, DeadlineState
from .forms import AdminTermForm, ClusterSettingsForm, DeadlineForm, MembersForm, RotationForm, RuleSetForm
from .models import Cluster
from .signals import collect_next_steps


def apply_validation_error(form, error):
    """Show a service's ValidationError on the form, next to the fields it names."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


class YearMixin:
    """Resolves the cluster and the emulation year named in the URL (404 when missing)."""

    permission_required = "cluster.view_year"

    def dispatch(self, request, *args, **kwargs):
        self.cluster = get_object_or_404(Cluster, pk=kwargs["cluster_id"])
        self.emulation_year = selectors.emulation_year_get(cluster=self.cluster, year=kwargs["year"])
        if self.emulation_year is None:
            raise Http404(_("This emulation year does not exist."))
        # Outside the cluster the year does not exist (404 alike for missing and forbidden);
        # inside it, a right the role lacks is refused (403).
        if not request.user.has_perm("cluster.view_year", self.emulation_year):
            raise Http404(_("This emulation year does not exist."))
        if not request.user.has_perm(self.permission_required, self.emulation_year):
            raise PermissionDenied
        for check in getattr(self, "year_checks", ()):  # further checks of a subclass, once the year is known
            check()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chair, vice = selectors.term_of(self.emulation_year)
        context.update(
            cluster=self.cluster,
            emulation_year=self.emulation_year,
            chair=chair,
            vice_chair=vice,
            years=list(self.cluster.years.order_by("-year").values_list("year", flat=True)),
            **self.calendar_context(),
        )
        return context

    def calendar_context(self):
        """The banner of every year page (`cluster/_year_header.html`): the current phase, its
        days left, the late phases. One query, kept for the page's other uses (`year_calendar`)."""
        if not hasattr(self, "year_calendar"):
            self.year_calendar = selectors.calendar_of(self.emulation_year)
        calendar = self.year_calendar
        return {
            "year_calendar": calendar,
            "year_current_phase": selectors.current_phase(self.emulation_year, calendar=calendar),
            "year_late_phases": [entry for entry in calendar if entry.state == DeadlineState.LATE],
        }


def home(request):
    cluster = selectors.cluster_for_user(request.user)
    if cluster is None:
        return render(request, "cluster/empty.html")
    emulation_year = selectors.emulation_year_current(cluster)
    if emulation_year is None:
        return render(request, "cluster/empty.html", {"cluster": cluster})
    return redirect("cluster:dashboard", cluster_id=cluster.pk, year=emulation_year.year)


#: The pages of "the cluster I work in" the navigation links to (`my_cluster`).
MY_CLUSTER_PAGES = ("history", "rotation", "settings")


@require_GET
def my_cluster(request, page):
    """The navigation's links to a page of the user's own cluster (`selectors.cluster_id_for_user`),
    resolved when followed rather than on every page that shows them; the page itself checks
    who may see it. No cluster yet: the home page, which says so."""
    if page not in MY_CLUSTER_PAGES:
        raise Http404
    cluster_id = selectors.cluster_id_for_user(request.user)
    if cluster_id is None:
        return redirect("cluster:home")
    return redirect(f"cluster:{page}", cluster_id=cluster_id)


def year_select(request, cluster_id):
    year = request.GET.get("year", "")
    if not year.isdigit():
        raise Http404
    return redirect("cluster:dashboard", cluster_id=cluster_id, year=int(year))


class DashboardView(YearMixin, TemplateView):
    template_name = "cluster/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        phase_code, phase_label = selectors.year_phase(self.emulation_year)
        context.update(
            members=selectors.members_of(self.emulation_year),
            phase_code=phase_code,
            phase_label=phase_label,
            next_steps=self.next_steps(),
            can_change_members=self.request.user.has_perm("cluster.change_membership", self.emulation_year),
        )
        return context

    def next_steps(self):
        """Each step as (text, url, due): `due` is what the template says of its deadline (by
        when, days left or late), from the year's calendar when a step names its phase (a third
        element: a `DeadlineKey`, or a date for a deadline of another year)."""
        steps = [
            (text, reverse(name, args=args) if name else None, key)
            for text, name, args, key in selectors.next_steps(
                user=self.request.user, emulation_year=self.emulation_year
            )
        ]
        for _receiver, answer in collect_next_steps.send(
            sender=self.__class__, user=self.request.user, emulation_year=self.emulation_year
        ):
            steps.extend(answer or [])
        by_key = {entry.key: entry for entry in self.calendar_context()["year_calendar"]}
        today = timezone.localdate()
        result = []
        for step in steps:
            text, url, when = (*step, None)[:3]
            due = None
            if isinstance(when, str) and when in by_key:
                due = by_key[when].closes_on
            elif isinstance(when, datetime.date):
                due = when
            result.append((text, url, selectors.Due(due, today) if due else None))
        return result


class HistoryView(TemplateView):
    template_name = "cluster/history.html"

    def get_context_data(self, **kwargs):
        cluster = get_object_or_404(Cluster, pk=self.kwargs["cluster_id"])
        latest = cluster.years.order_by("-year").first()
        if latest is None or not self.request.user.has_perm("cluster.view_year", latest):
            raise Http404
        rows = []
        for emulation_year in selectors.emulation_years_with_members(cluster):
            chair, vice = selectors.term_of(emulation_year)
            rows.append((emulation_year, chair, vice, len(selectors.members_of(emulation_year))))
        return {**super().get_context_data(**kwargs), "cluster": cluster, "rows": rows}


class RotationView(View):
    """Admins open next year: membership copied from this year, the proposed term confirmed or changed."""

    template_name = "cluster/rotation.html"

    def dispatch(self, request, *args, **kwargs):
        self.cluster = get_object_or_404(Cluster, pk=kwargs["cluster_id"])
        if not request.user.has_perm("cluster.open_year", self.cluster):
            raise PermissionDenied
        latest = selectors.emulation_years_with_members(self.cluster).first()
        self.current = latest
        self.target_year = latest.year + 1 if latest else None
        if self.target_year is None:
            raise Http404(_("The cluster has no emulation year to rotate from."))
        return super().dispatch(request, *args, **kwargs)

    def _initial(self):
        # A member that no longer exists next year is proposed as its successor (shown to the admin).
        members, self.changes = selectors.members_for_year(
            [(m.province, m.rotation_order) for m in selectors.members_of(self.current)], self.target_year
        )
        initial = {}
        for province, order in members:
            initial[f"member_{province.pk}"] = True
            initial[f"order_{province.pk}"] = order
        proposal = selectors.rotation_proposal(cluster=self.cluster, year=self.target_year, members=members)
        if proposal.chair:
            initial["chair"] = proposal.chair.province_id
        if proposal.vice_chair:
            initial["vice_chair"] = proposal.vice_chair.province_id
        return initial, proposal

    def _render(self, request, form, proposal):
        return render(
            request,
            self.template_name,
            {
                "cluster": self.cluster,
                "current": self.current,
                "target_year": self.target_year,
                "form": form,
                "proposal": proposal,
                "changes": self.changes,
            },
        )

    def get(self, request, *args, **kwargs):
        initial, proposal = self._initial()
        form = RotationForm(initial=initial, provinces=provinces_valid_in(self.target_year))
        return self._render(request, form, proposal)

    def post(self, request, *args, **kwargs):
        _initial, proposal = self._initial()
        form = RotationForm(request.POST, provinces=provinces_valid_in(self.target_year))
        if form.is_valid():
            try:
                services.emulation_year_open_with_term(
                    cluster=self.cluster,
                    year=self.target_year,
                    members=form.cleaned_data["members"],
                    chair=form.cleaned_data["chair"],
                    vice_chair=form.cleaned_data["vice_chair"],
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("The emulation year %(year)s is open and its chair and vice-chair are confirmed.")
                    % {"year": self.target_year},
                )
                return redirect("cluster:dashboard", cluster_id=self.cluster.pk, year=self.target_year)
        return self._render(request, form, proposal)


class TermView(YearMixin, TemplateView):
    """Confirm or change the chair and vice-chair of an existing year (admins)."""

    permission_required = "cluster.assign_term"
    template_name = "cluster/term.html"

    def get_form(self):
        members = selectors.members_of(self.emulation_year)
        provinces = provinces_valid_in(self.emulation_year.year).filter(pk__in=[m.province_id for m in members])
        if self.request.method == "POST":
            return AdminTermForm(self.request.POST, provinces=provinces)
        chair, vice = selectors.term_of(self.emulation_year)
        initial = {}
        if chair is None or vice is None:
            proposal = selectors.rotation_proposal(
                cluster=self.cluster,
                year=self.emulation_year.year,
                members=[(m.province, m.rotation_order) for m in members],
            )
            self.proposal = proposal
            chair_id = chair.province_id if chair else getattr(proposal.chair, "province_id", None)
            vice_id = vice.province_id if vice else getattr(proposal.vice_chair, "province_id", None)
        else:
            chair_id, vice_id = chair.province_id, vice.province_id
        initial = {"chair": chair_id, "vice_chair": vice_id}
        return AdminTermForm(initial=initial, provinces=provinces)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context["proposal"] = getattr(self, "proposal", None)
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                services.term_assign(
                    emulation_year=self.emulation_year,
                    chair=form.cleaned_data["chair"],
                    vice_chair=form.cleaned_data["vice_chair"],
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The chair and vice-chair are confirmed."))
                return redirect("cluster:dashboard", cluster_id=self.cluster.pk, year=self.emulation_year.year)
        return self.render_to_response(self.get_context_data(form=form))


class RuleSetView(YearMixin, TemplateView):
    """The year's rule set: its source, quorum, vote threshold and base, written votes, tie
    rules, award quotas; presets to start from; the history of its changes."""

    permission_required = "cluster.view_year"
    template_name = "cluster/rule_set.html"

    def get_form(self, data=None):
        rule_set = self.emulation_year.rule_set
        return RuleSetForm(data, instance=rule_set, locked=selectors.rule_set_locked_fields(self.emulation_year))

    def get_context_data(self, **kwargs):
        from .history import rule_set_history
        from .presets import PRESETS, preset_lines

        context = super().get_context_data(**kwargs)
        can_change = self.request.user.has_perm("cluster.change_rule_set", self.emulation_year)
        form = kwargs.get("form") or self.get_form()
        if not can_change:
            for field in form.fields.values():
                field.disabled = True
        rule_set = self.emulation_year.rule_set
        context.update(
            form=form,
            can_change=can_change,
            rule_set=rule_set,
            frozen=selectors.rule_set_frozen(self.emulation_year),
            presets=[
                (preset, preset_lines(preset), preset.outdated_for(self.emulation_year.year)) for preset in PRESETS
            ],
            history=rule_set_history(rule_set),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("cluster.change_rule_set", self.emulation_year):
            raise PermissionDenied
        here = redirect("cluster:rule_set", cluster_id=self.cluster.pk, year=self.emulation_year.year)
        if request.POST.get("action") == "preset":
            try:
                services.rule_set_apply_preset(
                    rule_set=self.emulation_year.rule_set, preset_key=request.POST.get("preset", ""), user=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The preset is applied: check the other rules, change what differs, save."))
            return here
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                services.rule_set_update(
                    rule_set=self.emulation_year.rule_set, data=form.cleaned_data, user=request.user
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The rule set is saved."))
                return here
        return self.render_to_response(self.get_context_data(form=form))


class MembersView(YearMixin, TemplateView):
    """Admins change the members of an open year through cluster.services.membership_replace."""

    permission_required = "cluster.change_membership"
    template_name = "cluster/members.html"

    def get_form(self, data=None):
        initial = {}
        for membership in selectors.members_of(self.emulation_year):
            initial[f"member_{membership.province_id}"] = True
            initial[f"order_{membership.province_id}"] = membership.rotation_order
        return MembersForm(data, initial=initial, provinces=provinces_valid_in(self.emulation_year.year))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or self.get_form()
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                services.membership_replace(emulation_year=self.emulation_year, members=form.cleaned_data["members"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The members of %(year)s are saved.") % {"year": self.emulation_year.year})
                return redirect("cluster:dashboard", cluster_id=self.cluster.pk, year=self.emulation_year.year)
        return self.render_to_response(self.get_context_data(form=form))


class ClusterSettingsView(View):
    """Admins: the cluster's name and how its documents are headed and signed."""

    template_name = "cluster/settings.html"

    def dispatch(self, request, *args, **kwargs):
        self.cluster = get_object_or_404(Cluster, pk=kwargs["cluster_id"])
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return render(
            request, self.template_name, {"cluster": self.cluster, "form": ClusterSettingsForm(instance=self.cluster)}
        )

    def post(self, request, *args, **kwargs):
        form = ClusterSettingsForm(request.POST, instance=Cluster.objects.get(pk=self.cluster.pk))
        if form.is_valid():
            try:
                services.cluster_settings_update(cluster=self.cluster, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The cluster's settings are saved."))
                return redirect("cluster:settings", cluster_id=self.cluster.pk)
        return render(request, self.template_name, {"cluster": self.cluster, "form": form})


class CalendarView(YearMixin, TemplateView):
    """The year's calendar: each phase's opening and deadline, its state; the chair and admins
    change the phases not past (cluster.services.deadline_save), all or nothing."""

    template_name = "cluster/calendar.html"

    def get_rows(self, data=None):
        by_key = {entry.key: entry for entry in self.calendar_context()["year_calendar"]}
        can_change = selectors.may_change_calendar(self.request.user, self.emulation_year)
        rows = []
        for key in DeadlineKey.values:
            entry = by_key.get(key)
            initial = {"opens_on": entry.opens_on, "closes_on": entry.closes_on} if entry else {}
            form = DeadlineForm(data, prefix=key, initial=initial, has_opening=key != DeadlineKey.DOSSIER)
            form.fields["closes_on"].required = entry is not None  # a phase without a date may stay so
            editable = can_change and not (entry and entry.is_past)
            if not editable:
                for field in form.fields.values():
                    field.disabled = True
            rows.append((DeadlineKey(key), entry, form, editable))
        return rows, can_change

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, can_change = kwargs.get("rows") or self.get_rows()
        context.update(rows=rows, can_change=can_change, today=timezone.localdate())
        return context

    def post(self, request, *args, **kwargs):
        if not selectors.may_change_calendar(request.user, self.emulation_year):
            raise PermissionDenied
        rows, can_change = self.get_rows(request.POST)
        forms_valid = all([form.is_valid() for _key, _entry, form, editable in rows if editable])  # noqa: C419 (every form validated, so each shows its errors)
        if forms_valid:
            try:
                with transaction.atomic():
                    failed = False
                    for key, _entry, form, editable in rows:
                        if not editable or not form.has_changed():
                            continue
                        try:
                            services.deadline_save(
                                emulation_year=self.emulation_year,
                                key=key,
                                opens_on=form.cleaned_data.get("opens_on"),
                                closes_on=form.cleaned_data["closes_on"],
                                user=request.user,
                            )
                        except ValidationError as error:
                            apply_validation_error(form, error)
                            failed = True
                    if failed:
                        raise _CalendarRefused
            except _CalendarRefused:
                pass
            else:
                messages.success(request, _("The year's calendar is saved."))
                return redirect("cluster:calendar", cluster_id=self.cluster.pk, year=self.emulation_year.year)
        messages.error(request, _("The calendar is not saved: correct the dates marked below."))
        return self.render_to_response(self.get_context_data(rows=(rows, can_change)))


class _CalendarRefused(Exception):
    """Undoes the phases already saved when a later one is refused (the page shows every error)."""

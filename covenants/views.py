from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cluster import selectors as cluster_selectors
from cluster.views import YearMixin, apply_validation_error
from common.downloads import private_file_response

from . import selectors, services
from .forms import CommitmentFormSet, CovenantForm, SignatoryForm
from .models import Signatory


class CovenantView(YearMixin, TemplateView):
    template_name = "covenants/covenant.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        covenant = selectors.covenant_of_year(self.emulation_year)
        user = self.request.user
        context.update(
            covenant=covenant,
            can_create=covenant is None and user.has_perm("covenants.create_covenant", self.emulation_year),
            can_change=covenant is not None and user.has_perm("covenants.change_covenant", covenant),
            editable_rows={
                s.pk
                for s in (covenant.signatories.all() if covenant else [])
                if user.has_perm("covenants.change_signatory", s) or user.has_perm("covenants.correct_signatory", s)
            },
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("covenants.create_covenant", self.emulation_year):
            raise PermissionDenied
        # The covenant is signed at the review meeting of the year before, hosted by that
        # year's chair; a cluster's first year falls back to its own chair.
        host = cluster_selectors.signing_host(self.emulation_year)
        try:
            services.covenant_create(emulation_year=self.emulation_year, user=request.user, host_province=host)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The covenant is created with one signature row per member."))
        return redirect("covenants:covenant", cluster_id=self.cluster.pk, year=self.emulation_year.year)


class CovenantEditView(YearMixin, TemplateView):
    template_name = "covenants/covenant_form.html"

    def get_covenant(self):
        covenant = selectors.covenant_of_year(self.emulation_year)
        if covenant is None:
            raise Http404
        if not self.request.user.has_perm("covenants.change_covenant", covenant):
            raise PermissionDenied
        return covenant

    def forms(self, covenant, data=None):
        from scoring.models import Section

        sections = Section.objects.filter(emulation_year=self.emulation_year)
        form = CovenantForm(data, instance=covenant, members=cluster_selectors.members_of(self.emulation_year))
        initial = [{"text": c.text, "section": c.section} for c in covenant.commitments.all()]
        formset = CommitmentFormSet(data, initial=initial, prefix="c", form_kwargs={"sections": sections})
        return form, formset

    def get_context_data(self, form=None, formset=None, **kwargs):
        context = super().get_context_data(**kwargs)
        covenant = self.get_covenant()
        if form is None:
            form, formset = self.forms(covenant)
        context.update(covenant=covenant, form=form, formset=formset)
        return context

    def post(self, request, *args, **kwargs):
        covenant = self.get_covenant()
        form, formset = self.forms(covenant, request.POST)
        if form.is_valid() and formset.is_valid():
            commitments = [(f.cleaned_data.get("text", ""), f.cleaned_data.get("section")) for f in formset]
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                services.covenant_update(covenant=covenant, user=request.user, commitments=commitments, **data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The covenant is saved."))
                return redirect("covenants:covenant", cluster_id=self.cluster.pk, year=self.emulation_year.year)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


def signatory_edit(request, pk):
    signatory = get_object_or_404(
        Signatory.objects.select_related("covenant__emulation_year__cluster", "province"), pk=pk
    )
    if not request.user.has_perm("covenants.view_covenant", signatory.covenant):
        raise Http404
    correcting = request.user.has_perm("covenants.correct_signatory", signatory)
    if not (correcting or request.user.has_perm("covenants.change_signatory", signatory)):
        raise PermissionDenied
    covenant = signatory.covenant
    people = cluster_selectors.people_of(covenant.emulation_year, signatory.province_id)
    if request.method == "POST":
        form = SignatoryForm(request.POST, request.FILES, people=people, correcting=correcting)
        if form.is_valid():
            try:
                if correcting:
                    services.signatory_correct(signatory=signatory, user=request.user, **form.cleaned_data)
                else:
                    services.signatory_update(signatory=signatory, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, _("The signature of %(province)s is recorded.") % {"province": signatory.province}
                )
                return redirect(
                    "covenants:covenant",
                    cluster_id=covenant.emulation_year.cluster_id,
                    year=covenant.emulation_year.year,
                )
    else:
        form = SignatoryForm(
            people=people,
            correcting=correcting,
            initial={
                "person": signatory.person_id,
                "representative": "" if signatory.person_id else signatory.representative,
                "post": "" if signatory.person_id else signatory.post,
                "signed": signatory.signed,
                "signed_on": signatory.signed_on,
            },
        )
    return render(
        request, "covenants/signatory_form.html", {"signatory": signatory, "covenant": covenant, "form": form}
    )


def signatory_scan(request, pk):
    signatory = get_object_or_404(Signatory, pk=pk)
    if not signatory.scan or not request.user.has_perm("covenants.view_scan", signatory):
        raise Http404
    extension = signatory.scan.name.rsplit(".", 1)[-1]
    name = f"giao-uoc-{signatory.covenant.emulation_year.year}-{signatory.province.code}.{extension}"
    return private_file_response(signatory.scan.open("rb"), filename=name)

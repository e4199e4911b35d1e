"""The people of a year page: each province's staff keep their own people (its leaders and
officials), the year's chair and admins everybody's and the central delegates. Forms elsewhere
pick from these people instead of typing names again."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from . import selectors, services
from .enums import Authority
from .models import Person
from .views import YearMixin, apply_validation_error

CENTRAL = "central"


class PersonForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("Province"))
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150)
    post = forms.CharField(
        label=gettext_lazy("Post"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("As the documents print it, for example: Phó Chủ tịch UBND tỉnh Bắc Giang."),
    )
    authority = forms.ChoiceField(label=gettext_lazy("Signs as"), choices=Authority.choices, initial=Authority.OWN_POST)

    def __init__(self, *args, provinces, central, **kwargs):
        """`provinces`: the member provinces the user keeps the people of; `central`: whether
        they keep the central delegates too."""
        super().__init__(*args, **kwargs)
        choices = [(str(p.pk), p.name) for p in provinces]
        if central:
            choices.insert(0, (CENTRAL, _("Central delegates and guests")))
        self.fields["province"].choices = choices
        self.by_key = {str(p.pk): p for p in provinces}

    def clean_province(self):
        value = self.cleaned_data["province"]
        return None if value == CENTRAL else self.by_key[value]


class PeopleView(YearMixin, TemplateView):
    template_name = "cluster/people.html"

    def manageable(self):
        """(the member provinces whose people the user keeps, whether the central delegates too)."""
        user = self.request.user
        members = [m.province for m in selectors.members_of(self.emulation_year)]
        probe = Person(emulation_year=self.emulation_year)
        central = user.has_perm("cluster.manage_person", probe)
        provinces = []
        for province in members:
            probe.province = province
            if user.has_perm("cluster.manage_person", probe):
                provinces.append(province)
        return provinces, central

    def people(self):
        people = list(selectors.people_of(self.emulation_year))
        user = self.request.user
        for person in people:
            person.emulation_year = self.emulation_year  # one shared year: the checks reuse its cached chair
            person.can_manage = user.has_perm("cluster.manage_person", person)
        return people

    def get_form(self, data=None, person=None):
        provinces, central = self.manageable()
        initial = {}
        if person is not None:
            initial = {
                "province": str(person.province_id) if person.province_id else CENTRAL,
                "full_name": person.full_name,
                "post": person.post,
                "authority": person.authority,
            }
        elif self.request.user.province_id:
            initial = {"province": str(self.request.user.province_id)}
        return PersonForm(data, initial=initial, provinces=provinces, central=central)

    def editing(self):
        value = self.request.GET.get("edit") or self.request.POST.get("person") or ""
        if not value:
            return None
        if not value.isdigit():
            raise Http404
        person = get_object_or_404(Person, pk=value, emulation_year=self.emulation_year)
        person.emulation_year = self.emulation_year
        if not self.request.user.has_perm("cluster.manage_person", person):
            raise Http404
        return person

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        editing = self.editing()
        people = self.people()
        groups = {}
        for person in people:
            key = person.province.name if person.province_id else _("Central delegates and guests")
            groups.setdefault(key, []).append(person)
        provinces, central = self.manageable()
        context.update(
            groups=list(groups.items()),
            editing=editing,
            form=form or self.get_form(person=editing),
            can_add=bool(provinces or central),
        )
        return context

    def here(self):
        return redirect("cluster:people", cluster_id=self.cluster.pk, year=self.emulation_year.year)

    def post(self, request, *args, **kwargs):
        person = self.editing()
        if request.POST.get("action") == "remove":
            if person is None:
                raise Http404
            try:
                services.person_remove(person=person, user=request.user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("%(name)s is removed from the people of the year.") % {"name": person})
            return self.here()
        form = self.get_form(request.POST, person=person)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if person is not None and (person.province_id or None) != (getattr(data["province"], "pk", None)):
                    raise ValidationError({"province": _("A person stays with their province: add a new person.")})
                saved = services.person_save(
                    emulation_year=self.emulation_year,
                    user=request.user,
                    person=person,
                    province=data["province"],
                    full_name=data["full_name"],
                    post=data["post"],
                    authority=data["authority"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("%(name)s is saved among the people of the year.") % {"name": saved})
                return self.here()
        return self.render_to_response(self.get_context_data(form=form), status=400)

from django import forms
from django.utils.translation import gettext_lazy as _

from common.uploads import SCANS
from provinces.models import Province

from .models import Covenant


class CovenantForm(forms.ModelForm):
    class Meta:
        model = Covenant
        fields = ["title", "place", "signing_date", "host_province"]
        widgets = {"signing_date": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})}
        labels = {"title": _("Name of the covenant")}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_province"].queryset = Province.objects.filter(pk__in=[m.province_id for m in members])
        self.fields["signing_date"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]


class CommitmentForm(forms.Form):
    text = forms.CharField(
        label=_("Commitment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    section = forms.ModelChoiceField(label=_("Criteria section"), queryset=None, required=False)

    def __init__(self, *args, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections


CommitmentFormSet = forms.formset_factory(CommitmentForm, extra=2, max_num=50)


class SignatoryForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Representative"),
        queryset=None,
        required=False,
        help_text=_("One of the province's people of the year: the row keeps their name, post and authority."),
    )
    representative = forms.CharField(
        label=_("Or a person not on the list: full name"),
        max_length=150,
        required=False,
        help_text=_("Added once to the province's people of the year, then picked from the list."),
    )
    post = forms.CharField(label=_("Post"), max_length=200, required=False)
    signed = forms.BooleanField(label=_("Signed"), required=False)
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    scan = forms.FileField(
        label=_("Scan of the signed copy (PDF, JPG, PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{e}" for e in SCANS)}),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        required=False,
        help_text=_("An admin's correction of a recorded signature is kept in the row's history with this reason."),
    )

    def __init__(self, *args, people, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        if not correcting:
            del self.fields["reason"]

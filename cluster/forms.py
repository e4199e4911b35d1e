from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DecimalCommaField
from provinces.models import Province

from .models import RuleSet


class TermForm(forms.Form):
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=Province.objects.none(), empty_label=_("— choose —"))
    vice_chair = forms.ModelChoiceField(
        label=_("Vice-chair"), queryset=Province.objects.none(), empty_label=_("— choose —")
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = provinces
        self.fields["vice_chair"].queryset = provinces
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        chair, vice = cleaned.get("chair"), cleaned.get("vice_chair")
        if chair and vice and chair == vice:
            self.add_error("vice_chair", _("The chair and the vice-chair must be two different provinces."))
        return cleaned


class RotationForm(TermForm):
    """Open next year: its members (copied from this year, editable), their rotation
    order, and its chair and vice-chair."""

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, provinces=provinces, **kwargs)
        self.province_rows = []
        for province in provinces:
            member = forms.BooleanField(label=province.name, required=False)
            order = forms.IntegerField(label=_("Rotation order"), min_value=0, max_value=999, required=False)
            self.fields[f"member_{province.pk}"] = member
            self.fields[f"order_{province.pk}"] = order
            self.province_rows.append(province)

    def rows(self):
        """(province, member bound field, order bound field) for the template."""
        return [
            (province, self[f"member_{province.pk}"], self[f"order_{province.pk}"]) for province in self.province_rows
        ]

    def clean(self):
        cleaned = super().clean()
        members = []
        for province in self.province_rows:
            if cleaned.get(f"member_{province.pk}"):
                order = cleaned.get(f"order_{province.pk}")
                members.append((province, order if order is not None else 0))
        if len(members) < 2:
            raise forms.ValidationError(_("Tick at least two member provinces."))
        member_ids = {province.pk for province, _order in members}
        for field in ("chair", "vice_chair"):
            province = cleaned.get(field)
            if province is not None and province.pk not in member_ids:
                self.add_error(field, _("%(province)s is not ticked as a member.") % {"province": province})
        cleaned["members"] = members
        return cleaned


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = list(RuleSet.COPIED_FIELDS)

        field_classes = {"quorum_percent": DecimalCommaField, "vote_threshold_percent": DecimalCommaField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DecimalCommaField
from provinces.models import Province

from .models import Cluster, RuleSet


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


class AdminTermForm(TermForm):
    """An admin's term: with the reason for changing a confirmed term or departing from the rotation."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=100,
        required=False,
        help_text=_(
            "Needed to change a confirmed chair and vice-chair, or to choose a province the rotation would not "
            "(nobody chairs twice before every member has chaired once); kept in the year's history."
        ),
    )


class MemberRowsMixin:
    """One tick and one rotation order per province valid in the year."""

    def add_member_rows(self, provinces):
        self.province_rows = list(provinces)
        for province in self.province_rows:
            self.fields[f"member_{province.pk}"] = forms.BooleanField(label=province.name, required=False)
            self.fields[f"order_{province.pk}"] = forms.IntegerField(
                label=_("Rotation order"), min_value=0, max_value=999, required=False
            )

    def rows(self):
        """(province, member bound field, order bound field) for the template."""
        return [
            (province, self[f"member_{province.pk}"], self[f"order_{province.pk}"]) for province in self.province_rows
        ]

    def ticked_members(self, cleaned):
        """[(province, rotation order)] of the ticked provinces; at least two."""
        members = []
        for province in self.province_rows:
            if cleaned.get(f"member_{province.pk}"):
                order = cleaned.get(f"order_{province.pk}")
                members.append((province, order if order is not None else 0))
        if len(members) < 2:
            raise forms.ValidationError(_("Tick at least two member provinces."))
        return members


class MembersForm(MemberRowsMixin, forms.Form):
    """The members of an open year (admins), set through cluster.services.membership_replace."""

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_member_rows(provinces)

    def clean(self):
        cleaned = super().clean()
        cleaned["members"] = self.ticked_members(cleaned)
        return cleaned


class RotationForm(MemberRowsMixin, AdminTermForm):
    """Open next year: its members (copied from this year, editable), their rotation
    order, and its chair and vice-chair."""

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, provinces=provinces, **kwargs)
        self.add_member_rows(provinces)

    def clean(self):
        cleaned = super().clean()
        members = self.ticked_members(cleaned)
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
        fields = [*RuleSet.COPIED_FIELDS, *RuleSet.YEAR_FIELDS]

        field_classes = {
            "quorum_percent": DecimalCommaField,
            "vote_threshold_percent": DecimalCommaField,
            "peer_spread_limit": DecimalCommaField,
        }
        widgets = {
            "operating_rules_date": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
            "dossier_deadline": forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, locked=(), **kwargs):
        """`locked`: fields shown but no longer changed (cluster.selectors.rule_set_locked_fields)."""
        super().__init__(*args, **kwargs)
        self.fields["operating_rules_date"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        self.fields["dossier_deadline"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        members = self.instance.emulation_year.memberships.values_list("province_id", flat=True)
        self.fields["chair_appraiser"].queryset = Province.objects.filter(pk__in=members).order_by("name")
        self.fields["chair_appraiser"].empty_label = _("The vice-chair")
        for name in locked:
            self.fields[name].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False


class ClusterSettingsForm(forms.ModelForm):
    """How the cluster's documents are headed and signed (domain §10)."""

    class Meta:
        model = Cluster
        fields = ["name", "short_name", "header_people_committee", "signature_people_committee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DeadlineForm(forms.Form):
    """One phase of the year's calendar (prefixed by its key on the calendar page)."""

    opens_on = forms.DateField(
        label=_("Opens on"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
    )
    closes_on = forms.DateField(
        label=_("Deadline"),
        required=True,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy."), "required": _("Enter the deadline (dd/mm/yyyy).")},
    )

    def __init__(self, *args, has_opening=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_opening:  # the dossiers have a deadline only
            del self.fields["opens_on"]

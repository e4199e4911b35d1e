from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.uploads import ALLOWED

from .models import Criterion, Section

ACCEPT = ",".join(f".{ext}" for ext in ALLOWED)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the scorecard is returned.")},
    )


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["code", "title", "order"]


class CriterionForm(forms.ModelForm):
    max_points = forms.CharField(
        label=_("Maximum"),
        required=False,
        max_length=20,
        help_text=_(
            "For a deduction: the lowest score allowed (negative). Leave empty for a criterion with sub-criteria."
        ),
    )

    class Meta:
        model = Criterion
        fields = [
            "section",
            "parent",
            "code",
            "title",
            "guidance",
            "kind",
            "max_points",
            "unit",
            "target_value",
            "floor_value",
            "points_per_occurrence",
            "evidence_required",
            "order",
        ]
        localized_fields = ["target_value", "floor_value", "points_per_occurrence"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, emulation_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(emulation_year=emulation_year)
        parents = Criterion.objects.filter(section__emulation_year=emulation_year).select_related("section")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = False
        if self.instance.pk and self.instance.max_points is not None:
            from django.utils.formats import number_format

            self.initial["max_points"] = number_format(self.instance.max_points, 2)

    def clean_max_points(self):
        from . import calculations

        raw = self.cleaned_data.get("max_points")
        try:
            return calculations.parse_score(raw)
        except calculations.ScoreInputError as error:
            raise ValidationError(_("Enter a number, for example 8,5.")) from error

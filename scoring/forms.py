from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.uploads import ALLOWED

from .enums import COMPUTED_KINDS
from .models import NOTE_MAX_LENGTH, Criterion, Section
from .services import parse_and_check, parse_figure_and_score

ACCEPT = ",".join(f".{ext}" for ext in ALLOWED)


class ScoreField(forms.CharField):
    """A score as staff type it: "8,5" or "8.5"; checked against its criterion's range."""

    def __init__(self, *, criterion, **kwargs):
        self.criterion = criterion
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "decimal", "class": "form-control form-control-sm score-input", "autocomplete": "off"}
        )

    def clean(self, value):
        value = super().clean(value)
        if self.criterion.kind in COMPUTED_KINDS:
            # the figure the province reports: the service computes the self-score from it
            return parse_figure_and_score(self.criterion, value)[1]
        return parse_and_check(self.criterion, value)


class ScorecardForm(forms.Form):
    """Self-scores, notes and evidence for every leaf criterion, plus the version read."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, leaves, **kwargs):
        super().__init__(*args, **kwargs)
        self.leaves = leaves
        for criterion in leaves:
            self.fields[f"score_{criterion.pk}"] = ScoreField(criterion=criterion, label=criterion.code)
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                required=False,
                max_length=NOTE_MAX_LENGTH,
                label=_("Note"),
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
            )
            self.fields[f"evidence_{criterion.pk}"] = forms.FileField(
                required=False,
                label=_("Evidence"),
                widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm", "accept": ACCEPT}),
            )

    def entries(self):
        return {
            c.pk: (self.data.get(f"score_{c.pk}", ""), self.cleaned_data.get(f"note_{c.pk}", "")) for c in self.leaves
        }

    def uploads(self):
        """{criterion id: [files]}: on a phone a criterion has two inputs of the same name (the
        camera and the files), so every file sent under the name counts."""
        uploads = {}
        for c in self.leaves:
            files = [f for f in self.files.getlist(f"evidence_{c.pk}") if f] if hasattr(self.files, "getlist") else []
            if not files and self.cleaned_data.get(f"evidence_{c.pk}"):
                files = [self.cleaned_data[f"evidence_{c.pk}"]]
            if files:
                uploads[c.pk] = files
        return uploads


class CrossCheckForm(forms.Form):
    """The chair's agreed score and reason for every leaf criterion."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    prefix_value = "agreed"
    reason_label = _("Reason for the change")

    def __init__(self, *args, leaves, **kwargs):
        super().__init__(*args, **kwargs)
        self.leaves = leaves
        for criterion in leaves:
            self.fields[f"{self.prefix_value}_{criterion.pk}"] = ScoreField(criterion=criterion, label=criterion.code)
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(
                required=False,
                max_length=NOTE_MAX_LENGTH,
                label=self.reason_label,
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
            )

    def entries(self):
        return {
            c.pk: (self.data.get(f"{self.prefix_value}_{c.pk}", ""), self.cleaned_data.get(f"reason_{c.pk}", ""))
            for c in self.leaves
        }


class PeerReviewForm(CrossCheckForm):
    """A member's cross-score (chấm chéo) and reason for every leaf criterion of another's scorecard."""

    prefix_value = "peer"
    reason_label = _("Reason for the difference")


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

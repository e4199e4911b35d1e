from django import forms
from django.utils.translation import gettext_lazy as _

from provinces.models import Province

from .enums import Outcome
from .models import AwardType, ReviewMeeting

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]


def person_label(person):
    where = person.province.name if person.province_id else _("central delegate")
    return f"{person.full_name} – {person.post} ({where})" if person.post else f"{person.full_name} ({where})"


class MeetingForm(forms.ModelForm):
    """The meeting's time, place and host; its presiding person and secretary are picked among
    the people of the year (`people`), or typed once (the service adds them to the people)."""

    class Meta:
        model = ReviewMeeting
        fields = [
            "starts_at",
            "ends_at",
            "place",
            "host_province",
            "presiding_person",
            "presiding_name",
            "presiding_post",
            "secretary_person",
            "secretary_name",
            "secretary_post",
        ]

    def __init__(self, *args, members, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_province"].queryset = Province.objects.filter(pk__in=[m.province_id for m in members])
        for role, label in (("presiding", _("Presiding person")), ("secretary", _("Secretary"))):
            picker = self.fields[f"{role}_person"]
            picker.queryset, picker.label = people, label
            picker.label_from_instance = person_label
            picker.help_text = _("Among the people of the year; the minutes print the name and post.")
            self.fields[f"{role}_name"].required = False
            self.fields[f"{role}_name"].label = _("Or someone not on the list: full name")
            self.fields[f"{role}_post"].label = _("Their post")
            self.fields[f"{role}_post"].help_text = _("Only for someone typed here.")

    def clean(self):
        data = super().clean()
        for role in ("presiding", "secretary"):
            person = data.get(f"{role}_person")
            if person is None and not (data.get(f"{role}_name") or "").strip():
                message = (
                    _("Choose the presiding person, or type their name.")
                    if role == "presiding"
                    else _("Choose the secretary, or type their name.")
                )
                self.add_error(f"{role}_person", message)
        return data

    def _post_clean(self):
        # The names the model requires are copied from the person picked (meeting_save does it
        # again on the stored row); checked here only so that the form can say what is missing.
        for role in ("presiding", "secretary"):
            person = self.cleaned_data.get(f"{role}_person")
            if person is not None:
                self.cleaned_data[f"{role}_name"] = person.full_name
                self.cleaned_data[f"{role}_post"] = person.post
        super()._post_clean()
        self.fields["starts_at"].input_formats = DATETIME_FORMATS
        self.fields["starts_at"].widget = forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}
        )
        self.fields["starts_at"].help_text = _("For example 04/03/2015 08:00")
        self.fields["ends_at"].input_formats = DATETIME_FORMATS
        self.fields["ends_at"].widget = forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}
        )
        self.fields["ends_at"].help_text = _("The closing time written in the minutes; it can be filled in at the end.")


class AttendanceForm(forms.Form):
    guest_people = forms.TypedMultipleChoiceField(
        label=_("Central delegates and guests"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Among the central delegates of the year's people."),
        error_messages={"invalid_choice": _("Choose guests among the central delegates of the year.")},
    )
    guests = forms.CharField(
        label=_("Other guests"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("One per line: full name – post. They join the central delegates of the year once."),
    )

    def __init__(self, *args, delegations, people=None, written_awards=None, **kwargs):
        """`people`: {province id: [the province's people of the year]}, the delegates to pick
        from; `written_awards`: [(award type, seats)] when the rule set allows written votes
        (`awards.selectors.written_vote_awards`), else None: no written-opinion fields."""
        super().__init__(*args, **kwargs)
        self.delegations = delegations
        self.written_awards = written_awards
        self.people = people or {}
        self.central = list(self.people.get(None, ()))
        self.fields["guest_people"].choices = [(p.pk, str(p)) for p in self.central]
        if not self.central:
            del self.fields["guest_people"]
        members = [(d.province_id, d.province.name) for d in delegations]
        for d in delegations:
            self.fields[f"present_{d.province_id}"] = forms.BooleanField(label=d.province.name, required=False)
            self.fields[f"people_{d.province_id}"] = forms.TypedMultipleChoiceField(
                label=_("Delegates of %(province)s") % {"province": d.province.name},
                choices=[(p.pk, str(p)) for p in self.people.get(d.province_id, ())],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                error_messages={
                    "invalid_choice": _("Only the people of %(province)s can be its delegates.")
                    % {"province": d.province.name}
                },
            )
            self.fields[f"delegates_{d.province_id}"] = forms.CharField(
                label=_("Other delegates of %(province)s") % {"province": d.province.name},
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            )
            if written_awards is None:
                continue
            self.fields[f"written_{d.province_id}"] = forms.BooleanField(
                label=_("%(province)s sent a written opinion") % {"province": d.province.name}, required=False
            )
            for award_type, _seats in written_awards:
                self.fields[f"written_{d.province_id}_{award_type.code}"] = forms.TypedMultipleChoiceField(
                    label=award_type.name,
                    choices=members,
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                )

    def rows(self):
        return [
            (d, self[f"present_{d.province_id}"], self[f"people_{d.province_id}"], self[f"delegates_{d.province_id}"])
            for d in self.delegations
        ]

    def picked_guests(self):
        """The central delegates ticked as guests."""
        by_pk = {p.pk: p for p in self.central}
        return [by_pk[pk] for pk in self.cleaned_data.get("guest_people") or () if pk in by_pk]

    def picked(self, delegation):
        """The people of the year ticked as the delegation's delegates."""
        by_pk = {p.pk: p for p in self.people.get(delegation.province_id, ())}
        return [by_pk[pk] for pk in self.cleaned_data.get(f"people_{delegation.province_id}") or () if pk in by_pk]

    def written_rows(self):
        """(delegation, "sent" bound field, [(award type, seats, choices bound field)]) per member."""
        if self.written_awards is None:
            return []
        return [
            (
                d,
                self[f"written_{d.province_id}"],
                [
                    (award_type, seats, self[f"written_{d.province_id}_{award_type.code}"])
                    for award_type, seats in self.written_awards
                ],
            )
            for d in self.delegations
        ]

    def written(self):
        """The written opinions as `awards.services.attendance_confirm` takes them: every member
        ticked as having sent one, or naming members (the service says what is wrong)."""
        if self.written_awards is None:
            return {}
        opinions = {}
        for d in self.delegations:
            sent = self.cleaned_data.get(f"written_{d.province_id}", False)
            choices = {
                award_type.pk: set(self.cleaned_data.get(f"written_{d.province_id}_{award_type.code}") or ())
                for award_type, _seats in self.written_awards
            }
            if sent or any(choices.values()):
                opinions[d.province_id] = {"sent": sent, "choices": choices}
        return opinions


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return person_label(person)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        return person_label(person)


class CommitteeForm(forms.Form):
    """The vote-counting committee: its head and members, among `people` (a queryset of
    `cluster.Person`: the delegations present and the central delegates)."""

    head = PersonChoiceField(
        label=_("Head of the vote-counting committee"),
        queryset=None,
        error_messages={"required": _("Choose the head of the vote-counting committee.")},
    )
    members = PeopleChoiceField(
        label=_("Members of the vote-counting committee"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least one besides the head. The ballot-count records print their names and posts."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = people
        self.fields["members"].queryset = people


class NominationForm(forms.Form):
    award_type = forms.ModelChoiceField(label=_("Award"), queryset=AwardType.objects.all())
    province = forms.ModelChoiceField(label=_("Member"), queryset=Province.objects.none())
    rationale = forms.CharField(label=_("Rationale"), max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))
    departure_reason = forms.CharField(
        label=_("Reason for departing from the ranking"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the flag goes to a member that does not lead the ranking: the minutes print it."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.filter(pk__in=[m.province_id for m in members]).order_by(
            "name"
        )


COUNT_ERRORS = {
    "invalid": _("Enter a whole number of ballots."),
    "min_value": _("Counts cannot be negative."),
    "max_value": _("This count is far too large."),
    "required": _("Enter the count (0 if none)."),
}


def count_field(label):
    return forms.IntegerField(label=label, min_value=0, max_value=999, error_messages=COUNT_ERRORS)


class BallotForm(forms.Form):
    issued = count_field(_("Ballots issued"))
    returned = count_field(_("Ballots returned"))
    valid = count_field(_("Valid ballots"))
    invalid = count_field(_("Invalid ballots"))
    correction_reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only to correct the last confirmed round: the new round replaces its outcome, both are kept."),
    )
    #: The round the form was opened for: a second submit of the same form records nothing twice.
    round_number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=99)
    confirm = forms.BooleanField(
        label=_("These are the counts in the vote-counting committee's record."),
        error_messages={"required": _("Tick to confirm: a confirmed round cannot be changed.")},
    )

    def __init__(self, *args, candidates, chair_vote=False, **kwargs):
        """`chair_vote`: the rule set lets the presiding chair's vote decide a tie at the cut-off."""
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for n in candidates:
            self.fields[f"votes_{n.pk}"] = count_field(_("Votes for %(province)s") % {"province": n.province.name})
        if chair_vote:
            self.fields["chair_choice"] = forms.TypedMultipleChoiceField(
                label=_("The presiding chair's choice"),
                choices=[(n.pk, n.province.name) for n in candidates],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "Only after a tie at the cut-off: tick the candidate(s) the presiding chair voted for. "
                    "Leave empty otherwise."
                ),
            )

    def chosen_by_chair(self):
        return set(self.cleaned_data.get("chair_choice") or ())

    def votes(self):
        return {n.pk: self.cleaned_data[f"votes_{n.pk}"] for n in self.candidates}

    def vote_fields(self):
        return [self[f"votes_{n.pk}"] for n in self.candidates]


class DecisionForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Sent to the central board on"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=50)
    decision_date = forms.DateField(
        label=_("Decision date"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices])


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for re-opening"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the year is re-opened.")},
    )

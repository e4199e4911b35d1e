from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class PaperForm(forms.Form):
    upload = forms.FileField(
        label=_("Achievement report signed, sealed and certified (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"required": _("Choose the PDF file.")},
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class SentForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Sent on"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "required": _("Give the day the dossier was sent."),
            "invalid": _("Write the day as dd/mm/yyyy."),
        },
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        help_text=_("The dispatch number or the receipt of the Ministry's electronic system."),
        error_messages={
            "required": _("Give the reference of the sending (the dispatch number or the system's receipt).")
        },
    )

from django import forms
from django.utils.translation import gettext_lazy as _


class SignedCopyForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF"),
        help_text=_("The issued PDF after signing it with your USB token (the file your signing tool saved)."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class CertificateForm(forms.Form):
    """A province's certificate; an admin chooses the province (`provinces`), staff store their own."""

    province = forms.ModelChoiceField(label=_("Province"), queryset=None, required=False)
    label = forms.CharField(label=_("Name"), max_length=200)
    pkcs12_file = forms.FileField(
        label=_("Certificate file (.p12, .pfx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
    )
    passphrase = forms.CharField(
        label=_("Passphrase of the certificate file"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    signer_image = forms.FileField(
        label=_("Signer's image (transparent PNG, blue)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )
    seal_image = forms.FileField(
        label=_("Seal image (transparent PNG, red, true size)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )

    def __init__(self, *args, provinces=None, **kwargs):
        from provinces.models import Province

        super().__init__(*args, **kwargs)
        if provinces is None:
            del self.fields["province"]
        else:
            self.fields["province"].queryset = Province.objects.filter(pk__in=[p.pk for p in provinces])

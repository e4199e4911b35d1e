from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from provinces.models import Province

#: The longest username an account can have (the user model's limit).
USERNAME_MAX_LENGTH = 150


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_username(self):
        """A username longer than any account's is refused before authenticating: it cannot
        match, and the failed attempt must not be recorded (the throttling table's column
        is 255 characters)."""
        username = self.cleaned_data.get("username", "")
        if len(username) > USERNAME_MAX_LENGTH:
            raise self.get_invalid_login_error()
        return username


class StaffAccountForm(forms.Form):
    """A new staff account: its password is chosen by the person from an e-mailed link."""

    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX_LENGTH,
        help_text=_("Letters, digits and @/./+/-/_ only, for example bacgiang.nguyenvana."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150, help_text=_("Family name first."))
    email = forms.EmailField(
        label=_("E-mail address"), help_text=_("The link to choose a password is sent to this address.")
    )
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.order_by("name", "valid_from"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class StaffAccountEditForm(forms.Form):
    """An account's details an admin corrects (the username stays: it is how the person signs in)."""

    full_name = StaffAccountForm.base_fields["full_name"]
    email = forms.EmailField(label=_("E-mail address"), help_text=_("Password links are sent to this address."))
    province = StaffAccountForm.base_fields["province"]

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        if account.is_superuser:
            del self.fields["province"]  # an admin belongs to no province
        self.helper = FormHelper()
        self.helper.form_tag = False

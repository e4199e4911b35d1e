from crispy_forms.helper import FormHelper
from django.contrib.auth.forms import AuthenticationForm

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

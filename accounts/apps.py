from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="accounts.mark_signed_in")

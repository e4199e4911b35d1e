from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Review meeting and awards")

    def ready(self):
        from . import signals  # noqa: F401 (connects the dashboard's next steps)

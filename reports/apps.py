from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Meeting documents rendered to PDF; gathers from every app, nothing imports it."""

    name = "reports"
    verbose_name = _("Documents")

    def ready(self):
        from . import signals  # noqa: F401 (recovers waiting documents when a worker starts)

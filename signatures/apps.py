from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    """Digitally signed copies of issued documents: verified uploads and server signatures."""

    name = "signatures"
    verbose_name = _("Digital signatures")

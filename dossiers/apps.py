from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    """The nomination dossier (hồ sơ đề nghị) the chair sends up for each nominee: its pack of
    documents, its checklist, the papers the nominee uploads and when it was sent."""

    name = "dossiers"
    verbose_name = _("Nomination dossiers")

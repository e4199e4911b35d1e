from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """One search box over a cluster's records of every year (nothing imports it)."""

    name = "search"
    verbose_name = _("Search")

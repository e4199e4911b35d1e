from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """Backups: a whole cluster's history exported to one archive and restored (nothing imports it)."""

    name = "archive"

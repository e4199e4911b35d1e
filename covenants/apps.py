from django.apps import AppConfig


class CovenantsConfig(AppConfig):
    name = "covenants"

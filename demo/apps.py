from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of the seed article, gathered from every app (nothing imports it)."""

    name = "demo"

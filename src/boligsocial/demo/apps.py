from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make demo`; installed by the development and test settings only, never in production."""

    name = "boligsocial.demo"
    label = "demo"

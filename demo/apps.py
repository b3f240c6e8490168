from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and scale data for the whole product: `manage.py seed_demo` (the demo
    accounts and courts of the README) and `manage.py seed_scale` (thousands of
    courts for `make bench`). It sits above every other app and nothing imports it."""

    name = "demo"
    verbose_name = "Demo data"

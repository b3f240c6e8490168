from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API (Django REST framework, OpenAPI by drf-spectacular): the read
    endpoints of the CCPOR Team and the writes of integrations, through the same
    access rules and services as the pages (docs/api.md)."""

    name = "api"
    verbose_name = "JSON API"

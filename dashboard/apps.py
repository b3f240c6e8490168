from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The CCPOR Team's cross-court pages: the dashboard, statewide view, overdue
    items, CSV exports and the JSON API."""

    name = "dashboard"
    verbose_name = "CCPOR Team dashboard"

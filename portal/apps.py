from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The web layer for one court: where people land, the court page, the CCPOR-only
    changes to a court's onboarding, the printable report and the calendar feeds."""

    name = "portal"
    verbose_name = "Court portal"

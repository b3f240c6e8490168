"""What keeps the demo data out of production."""

from django.conf import settings
from django.core.management.base import CommandError


def refuse_unless_demo_data_allowed(command: str, what: str) -> None:
    """CommandError unless the settings allow made-up data (settings.ALLOW_DEMO_DATA:
    local, test and bench settings; never production). Called before anything
    touches the database."""
    if not settings.ALLOW_DEMO_DATA:
        raise CommandError(
            f"{command} writes {what} and refuses to run under these settings "
            "(ALLOW_DEMO_DATA is off, as in production). Use the local settings "
            "(DJANGO_SETTINGS_MODULE=ccpor_onboard.settings.local) on a database "
            "of your own."
        )

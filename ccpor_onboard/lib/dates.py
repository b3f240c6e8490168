"""One notion of "today" for the whole product: the calendar day in California."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    """Today's date in settings.TIME_ZONE (America/Los_Angeles by default)."""
    return timezone.localdate()

"""One notion of "today" for the whole product: the calendar day in California."""

import datetime

from django.utils import timezone


def today_in_california() -> datetime.date:
    """Today's date in settings.TIME_ZONE (America/Los_Angeles by default).

    The one name for "today" everywhere; services and selectors take `today=` so
    that tests and the reminder sweep can pin it."""
    return timezone.localdate()

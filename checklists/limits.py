"""How much may be typed, and how far dates may reach: one place for every form,
service and history record of the checklists (the database's columns follow).
Dates also stay within the product's calendar window (ccpor_onboard.lib.bounds).

Forms refuse longer text with a clear message; services cut what they build from
it to fit its column (history reasons: django-simple-history keeps them in a
varchar(100)).
"""

import datetime

# Characters a person may type, per kind of text: the product's one list
# (ccpor_onboard.lib.bounds), which the models' fields state as their limits.
from ccpor_onboard.lib.bounds import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    MEETING_MINUTES_MAX,
    NOTE_MAX,
    REASON_MAX,
)

__all__ = [
    "COMMENT_MAX",
    "DATE_SPAN",
    "DESCRIPTION_MAX",
    "GO_LIVE_MAX_YEARS",
    "HISTORY_REASON_MAX",
    "MEETING_MINUTES_MAX",
    "NOTE_MAX",
    "OFFSET_MAX_DAYS",
    "REASON_MAX",
    "date_too_far",
    "due_date_out_of_range",
    "go_live_too_far",
    "history_reason",
    "latest_go_live",
]

# simple-history's history_change_reason column.
HISTORY_REASON_MAX = 100

# Go-Live at most this far ahead; due dates at most this far from Go-Live; template
# offsets (days from Go-Live) within the same span; any other date a person gives
# (a meeting, a document's date) at most this far from today, either way.
GO_LIVE_MAX_YEARS = 10
DATE_SPAN = datetime.timedelta(days=365 * GO_LIVE_MAX_YEARS + 3)
OFFSET_MAX_DAYS = 3650


def history_reason(text: str) -> str:
    """`text` cut to fit the history's reason column (with an ellipsis if cut)."""
    text = " ".join((text or "").split())
    if len(text) <= HISTORY_REASON_MAX:
        return text
    return text[: HISTORY_REASON_MAX - 1] + "…"


def latest_go_live(today: datetime.date) -> datetime.date:
    """The latest Go-Live date that may be set today."""
    try:
        return today.replace(year=today.year + GO_LIVE_MAX_YEARS)
    except ValueError:  # February 29th
        return today.replace(year=today.year + GO_LIVE_MAX_YEARS, day=28)


def go_live_too_far(go_live: datetime.date, today: datetime.date) -> str | None:
    """Why this Go-Live date is too far ahead, or None."""
    latest = latest_go_live(today)
    if go_live > latest:
        return (
            f"The Go-Live date must be within {GO_LIVE_MAX_YEARS} years: "
            f"{latest:%B %-d, %Y} at the latest."
        )
    return None


def due_date_out_of_range(due: datetime.date, go_live: datetime.date) -> str | None:
    """Why this due date is too far from Go-Live, or None."""
    if abs((due - go_live).days) > OFFSET_MAX_DAYS:
        return (
            f"A due date must be within {OFFSET_MAX_DAYS} days of Go-Live "
            f"({go_live:%B %-d, %Y})."
        )
    return None


def date_too_far(day: datetime.date, today: datetime.date, *, what: str) -> str | None:
    """Why this date (a meeting's, a training's, a document's) is too far from
    today, or None: like Go-Live, within GO_LIVE_MAX_YEARS years, here either way."""
    if abs(day - today) > DATE_SPAN:
        return f"{what} must be within {GO_LIVE_MAX_YEARS} years of today."
    return None

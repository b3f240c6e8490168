"""Meetings and trainings: when, where, who attended, and the minutes."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from ccpor_onboard.lib.bounds import field_error
from ccpor_onboard.lib.dates import today_in_california
from checklists import limits
from checklists.models import ChecklistItem
from checklists.services.guards import onboarding_ensure_writable
from checklists.services.items import StaleEditError


def item_set_meeting(
    *,
    item: ChecklistItem,
    by,
    expected_version: int,
    starts_at: datetime.datetime | None,
    ends_at: datetime.datetime | None,
    location: str = "",
    attendees: str = "",
    minutes: str = "",
    today: datetime.date | None = None,
) -> ChecklistItem:
    """Schedule a meeting or training item (or change its details and minutes).

    Only items of kind "meeting" and training items can be scheduled; the end must
    come after the start, on a day within ten years of today (`today`, California's
    by default); without a start the item is unscheduled (the minutes and attendees
    are kept). Times are aware datetimes. ValidationError otherwise;
    StaleEditError if the item changed since the caller read it. Scheduled items
    appear in the calendar feeds as timed events and on the timeline.
    """
    errors = {}
    if not item.is_schedulable:
        errors["starts_at"] = (
            "Only meetings and trainings have a date and time; this item is a "
            f"{item.get_kind_display().lower()}."
        )
    elif starts_at is None and ends_at is not None:
        errors["starts_at"] = "Give the start as well as the end."
    elif starts_at is not None and (ends_at is None or ends_at <= starts_at):
        errors["ends_at"] = "The meeting must end after it starts."
    today = today or today_in_california()
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is None or name in errors:
            continue
        problem = field_error(
            ChecklistItem, f"meeting_{name}", value
        ) or limits.date_too_far(value.date(), today, what="The meeting's date")
        if problem:
            errors[name] = problem
    if len(location or "") > 300:
        errors["location"] = "Keep the place or link to 300 characters."
    elif problem := field_error(ChecklistItem, "meeting_location", location):
        errors["location"] = problem
    if len(attendees or "") > limits.NOTE_MAX:
        errors["attendees"] = f"At most {limits.NOTE_MAX} characters, please."
    elif problem := field_error(ChecklistItem, "meeting_attendees", attendees):
        errors["attendees"] = problem
    if len(minutes or "") > limits.MEETING_MINUTES_MAX:
        errors["minutes"] = (
            f"The minutes may be at most {limits.MEETING_MINUTES_MAX} characters."
        )
    elif problem := field_error(ChecklistItem, "meeting_minutes", minutes):
        errors["minutes"] = problem
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            ChecklistItem.objects.select_for_update(of=("self",))
            .select_related("onboarding")
            .get(pk=item.pk)
        )
        onboarding_ensure_writable(locked.onboarding)
        if locked.version != expected_version:
            raise StaleEditError(locked)
        locked.meeting_starts_at = starts_at
        locked.meeting_ends_at = ends_at if starts_at else None
        locked.meeting_location = " ".join((location or "").split())
        locked.meeting_attendees = (attendees or "").strip()
        locked.meeting_minutes = (minutes or "").strip()
        locked.updated_by = by
        locked.version += 1
        locked._history_user = by
        locked._change_reason = (
            "meeting scheduled" if starts_at is not None else "meeting details"
        )
        locked.save()
    return locked

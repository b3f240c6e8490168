"""Wording of derived values, for templates: `{{ state.health|health_label }}`,
`{{ entry|describe }}`."""

from django import template

from checklists.health import Health
from checklists.presenters import (
    KIND_KEY,
    KIND_MARKS,
    describe_activity,
    describe_change,
)
from checklists.selectors import HistoryEntry

register = template.Library()


@register.filter
def health_label(health: str) -> str:
    """ "On track", "At risk", "Late", or "" for an onboarding without health."""
    return Health.LABELS.get(health, "")


@register.filter
def describe(entry) -> str:
    """A history entry (item page) or an activity (court page), in words."""
    if isinstance(entry, HistoryEntry):
        return describe_change(entry.change)
    return describe_activity(entry)


@register.filter
def shown_status(item, row_form) -> str:
    """The status an item row's select shows: the one a refused inline change asked
    for (`row_form`, bound, with errors), else the item's own."""
    if row_form:
        return row_form["status"].value() or item.status
    return item.status


@register.filter
def kind_mark(kind: str) -> str:
    """The key's letter for an item kind (D, R, M, A, T)."""
    return KIND_MARKS.get(kind, "")


@register.simple_tag
def kind_key():
    """The key of item kinds: (kind, letter, wording) for each of the guide's kinds."""
    return KIND_KEY

"""{% timeline_for onboarding items today as timeline %}: see checklists/timeline.py."""

import datetime

from django import template

from ccpor_onboard.lib.dates import today_in_california
from checklists.timeline import Timeline, build_timeline

register = template.Library()


@register.simple_tag
def timeline_for(
    onboarding, items, today: datetime.date | None = None
) -> Timeline | None:
    """The laid-out timeline, or None when there is no onboarding or no item."""
    items = list(items or [])
    if onboarding is None or not items:
        return None
    return build_timeline(
        onboarding=onboarding, items=items, today=today or today_in_california()
    )

"""The printable status report of one court's onboarding (one page per court)."""

import datetime

from django.shortcuts import render
from django.utils import timezone

from ccpor_onboard.lib.dates import today_in_california
from checklists.access import items_for_user
from checklists.marks import marks_for
from checklists.models import ChecklistItem
from checklists.selectors import (
    court_current_onboarding,
    group_by_actor,
    onboardings_with_status,
)
from courts.access import court_view, is_ccpor_staff

RECENT_CHANGES = 10


def _by_actor(items: list[ChecklistItem], *, today: datetime.date) -> list[dict]:
    """Open items grouped by who must act (ACTOR_ORDER); each group lists its items
    soonest due first and counts the overdue ones."""
    open_items = sorted(
        (i for i in items if i.is_open), key=lambda i: (i.due_date, i.order)
    )
    for item in open_items:
        item.is_overdue = item.is_overdue_on(today)
        item.days_overdue = (today - item.due_date).days
    return [
        {
            "actor": actor,
            "items": group,
            "overdue": sum(1 for i in group if i.is_overdue),
        }
        for actor, group in group_by_actor(open_items)
    ]


@court_view("GET")
def court_report(request, court):
    today = today_in_california()
    onboarding = court_current_onboarding(court)
    context = {
        "court": court,
        "onboarding": onboarding,
        "today": today,
        "generated_at": timezone.localtime(),
    }
    if onboarding is not None:
        onboardings_with_status(
            [onboarding], today=today, include_internal=is_ccpor_staff(request.user)
        )
        items = list(
            items_for_user(request.user, onboarding)
            .select_related("phase", "owner")
            .order_by("phase__order", "order")
        )
        groups = _by_actor(items, today=today)
        context.update(
            items=items,
            groups=groups,
            open_count=sum(len(g["items"]) for g in groups),
            go_live_days_ago=-onboarding.state.days_to_go_live,
            marks=marks_for(onboarding.go_live_date, today=today),
            changes=list(
                onboarding.go_live_changes.select_related("changed_by")[:RECENT_CHANGES]
            ),
        )
    return render(request, "portal/report.html", context)

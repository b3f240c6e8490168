"""The printable status report of one court's onboarding (one page per court)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ccpor_onboard.lib.dates import today as local_today
from checklists.models import Actor, ChecklistItem
from checklists.selectors import (
    court_current_onboarding,
    marks_for,
    onboardings_with_status,
)

from .access import court_for_user, is_ccpor_staff, items_for_user

RECENT_CHANGES = 10


def _by_actor(items: list[ChecklistItem], *, today: datetime.date) -> list[dict]:
    """Open items grouped by who must act, in the order Court, SO, CCPOR, DOJ; each
    group lists its items soonest due first and counts the overdue ones."""
    order = [Actor.COURT, Actor.SHERIFF, Actor.CCPOR, Actor.DOJ]
    groups = []
    for actor in order:
        mine = sorted(
            (i for i in items if i.actor == actor and i.is_open),
            key=lambda i: (i.due_date, i.order),
        )
        for item in mine:
            item.is_overdue = item.due_date < today
            item.days_overdue = (today - item.due_date).days
        if mine:
            groups.append(
                {
                    "actor": actor.label,
                    "items": mine,
                    "overdue": sum(1 for i in mine if i.is_overdue),
                }
            )
    return groups


@login_required
@require_GET
def court_report(request, slug: str):
    court = court_for_user(request.user, slug)
    today = local_today()
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
            .select_related("phase")
            .order_by("phase__order", "order")
        )
        groups = _by_actor(items, today=today)
        context.update(
            items=items,
            groups=groups,
            open_count=sum(len(g["items"]) for g in groups),
            go_live_days_ago=-onboarding.state.days_to_go_live,
            marks=[
                {"name": name, "date": date, "days_to": (date - today).days}
                for name, date in marks_for(onboarding.go_live_date)
            ],
            changes=list(
                onboarding.go_live_changes.select_related("changed_by")[:RECENT_CHANGES]
            ),
        )
    return render(request, "courts_report/report.html", context)

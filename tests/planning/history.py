"""Simulated histories for the forecast's tests: onboardings whose items were
finished a set number of days after their due dates, through the services."""

import datetime

from freezegun import freeze_time

from checklists import services
from checklists.models import ChecklistItem, Onboarding


def finish(item: ChecklistItem, *, on: datetime.date, by) -> ChecklistItem:
    """Mark `item` done through the service, as on the day `on` (noon, California)."""
    with freeze_time(f"{on.isoformat()} 20:00:00"):
        return services.item_set_status(
            item=item,
            status=ChecklistItem.Status.DONE,
            by=by,
            expected_version=item.version,
        )


def finish_late(
    onboarding: Onboarding, *, late: int, by, until: datetime.date
) -> list[ChecklistItem]:
    """Finish, `late` days after its due date, every item whose late day is on or
    before `until`, in checklist order (prerequisites first); the rest stay open."""
    finished = []
    # Evidence is not what these tests are about (a shortcut on this copy).
    onboarding.items.update(evidence_required=False)
    for item in onboarding.items.order_by("order"):
        day = item.due_date + datetime.timedelta(days=late)
        if day > until or item.depends_on.open().exists():
            continue
        finished.append(finish(item, on=day, by=by))
    return finished


def backdate_start(onboarding: Onboarding, *, on: datetime.date) -> None:
    """The onboarding as started on `on` (its created_at)."""
    with freeze_time(f"{on.isoformat()} 17:00:00"):
        moment = datetime.datetime.now(datetime.UTC)
    Onboarding.objects.filter(pk=onboarding.pk).update(created_at=moment)


def finish_counted(onboarding: Onboarding, *, on, by) -> None:
    """Finish every item due up to Go-Live, each on the day `on(item)` says, in
    checklist order. Evidence is not what these tests are about: the items that
    require it are made not to (a test shortcut on the onboarding's own copy)."""
    counted = onboarding.items.filter(due_date__lte=onboarding.go_live_date)
    counted.update(evidence_required=False)
    for item in counted.order_by("order"):
        finish(item, on=on(item), by=by)

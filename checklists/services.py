"""Writes to onboardings and their checklists. Every write goes through here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ccpor_onboard.lib.dates import today as local_today
from courts.models import Court

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    Condition,
    GoLiveChange,
    Onboarding,
    TemplateItem,
)


class StaleEditError(Exception):
    """Someone saved the item after this edit began; nothing was changed."""

    def __init__(self, item: ChecklistItem):
        self.current = item
        super().__init__(
            f"“{item.title}” was changed by someone else while you were editing "
            f"(it is now {item.get_status_display()}). Your change was not saved; "
            "review the current value and try again."
        )


def default_template() -> ChecklistTemplate | None:
    """The newest active template: where an onboarding starts unless told otherwise."""
    return (
        ChecklistTemplate.objects.filter(is_active=True)
        .order_by("-version", "-id")
        .first()
    )


def onboarding_start_validate(
    *,
    court: Court,
    go_live_date: datetime.date,
    template: ChecklistTemplate | None,
    today: datetime.date,
) -> None:
    """Raise ValidationError (keyed by field) if an onboarding may not start so."""
    errors: dict[str, str] = {}
    if go_live_date < today:
        errors["go_live_date"] = (
            f"The Go-Live date {go_live_date:%B %-d, %Y} is in the past; "
            "choose today or a later date."
        )
    if template is None:
        errors["template"] = "There is no active checklist template to start from."
    elif not template.is_active:
        errors["template"] = (
            f"The template “{template}” is inactive; choose an active template."
        )
    if not court.is_active:
        errors["court"] = f"{court} is inactive."
    elif Onboarding.objects.filter(
        court=court, status__in=Onboarding.OPEN_STATUSES
    ).exists():
        errors["court"] = f"{court} already has an open onboarding."
    if errors:
        raise ValidationError(errors)


def _applies(
    item: TemplateItem, *, court_enters_carpos: bool, so_participates: bool
) -> bool:
    if item.condition == Condition.COURT_ENTERS_CARPOS:
        return court_enters_carpos
    if item.condition == Condition.SO_PARTICIPATES:
        return so_participates
    return True


def onboarding_start(
    *,
    court: Court,
    go_live_date: datetime.date,
    court_enters_carpos: bool,
    so_participates: bool,
    started_by,
    template: ChecklistTemplate | None = None,
    today: datetime.date | None = None,
) -> Onboarding:
    """Start a court's onboarding from a template.

    Copies every template item whose condition fits the processing model, with its due
    date counted from Go-Live, and the dependencies between the copied items. Refuses a
    Go-Live date in the past, an inactive template and a court that already has an open
    onboarding. All or nothing.
    """
    today = today or local_today()
    template = template or default_template()
    onboarding_start_validate(
        court=court, go_live_date=go_live_date, template=template, today=today
    )
    template_items = list(
        template.items.select_related("phase").prefetch_related("depends_on")
    )
    try:
        with transaction.atomic():
            onboarding = Onboarding.objects.create(
                court=court,
                template=template,
                go_live_date=go_live_date,
                court_enters_carpos=court_enters_carpos,
                so_participates=so_participates,
                started_by=started_by,
            )
            copies: dict[int, ChecklistItem] = {}
            for t in template_items:
                if not _applies(
                    t,
                    court_enters_carpos=court_enters_carpos,
                    so_participates=so_participates,
                ):
                    continue
                copies[t.pk] = ChecklistItem(
                    onboarding=onboarding,
                    template_item=t,
                    phase=t.phase,
                    order=t.order,
                    title=t.title,
                    description=t.description,
                    actor=t.actor,
                    kind=t.kind,
                    offset_days=t.offset_days,
                    condition=t.condition,
                    is_readiness_gate=t.is_readiness_gate,
                    evidence_required=t.evidence_required,
                    internal_only=t.internal_only,
                    due_date=go_live_date + datetime.timedelta(days=t.offset_days),
                    updated_by=started_by,
                )
            bulk_create_with_history(
                list(copies.values()), ChecklistItem, default_user=started_by
            )
            links = [
                ChecklistItem.depends_on.through(
                    from_checklistitem_id=copies[t.pk].pk,
                    to_checklistitem_id=copies[dep.pk].pk,
                )
                for t in template_items
                if t.pk in copies
                for dep in t.depends_on.all()
                if dep.pk in copies
            ]
            ChecklistItem.depends_on.through.objects.bulk_create(links)
    except IntegrityError as exc:
        # Two starts raced past the check above; the database constraint caught it.
        raise ValidationError(
            {"court": f"{court} already has an open onboarding."}
        ) from exc
    return onboarding


def onboarding_reschedule_validate(
    *,
    onboarding: Onboarding,
    go_live_date: datetime.date,
    reason: str,
    today: datetime.date,
) -> None:
    """Raise ValidationError (keyed by field) if the Go-Live date may not move so."""
    errors: dict[str, str] = {}
    if not (reason or "").strip():
        errors["reason"] = (
            "Say why the Go-Live date is moving; the reason is kept on record."
        )
    if onboarding.status != Onboarding.Status.ACTIVE:
        errors["go_live_date"] = (
            "Only an active onboarding can be rescheduled; this one is "
            f"{onboarding.get_status_display().lower()}."
        )
    elif go_live_date == onboarding.go_live_date:
        errors["go_live_date"] = "That is already the Go-Live date."
    elif go_live_date < today:
        errors["go_live_date"] = (
            f"The new Go-Live date {go_live_date:%B %-d, %Y} is in the past."
        )
    if errors:
        raise ValidationError(errors)


def onboarding_reschedule(
    *,
    onboarding: Onboarding,
    go_live_date: datetime.date,
    reason: str,
    by,
    today: datetime.date | None = None,
) -> GoLiveChange:
    """Move the Go-Live date of an active onboarding and every unfinished item with it.

    Done and N/A items keep their dates. The move is recorded (old date, new date,
    reason, who, when). A reason is required; the new date may not be in the past.
    """
    today = today or local_today()
    reason = (reason or "").strip()
    onboarding_reschedule_validate(
        onboarding=onboarding, go_live_date=go_live_date, reason=reason, today=today
    )
    with transaction.atomic():
        locked = Onboarding.objects.select_for_update().get(pk=onboarding.pk)
        old_date = locked.go_live_date
        delta = go_live_date - old_date
        items = list(
            locked.items.select_for_update().filter(
                status__in=ChecklistItem.OPEN_STATUSES
            )
        )
        now = timezone.now()
        for item in items:
            item.due_date = item.due_date + delta
            item.version += 1
            item.updated_by = by
            item.updated_at = now
        bulk_update_with_history(
            items,
            ChecklistItem,
            ["due_date", "version", "updated_by", "updated_at"],
            default_user=by,
            default_change_reason=f"Go-Live moved: {reason}",
        )
        locked.go_live_date = go_live_date
        locked.save(update_fields=["go_live_date", "updated_at"])
        change = GoLiveChange.objects.create(
            onboarding=locked,
            old_date=old_date,
            new_date=go_live_date,
            reason=reason,
            changed_by=by,
        )
    onboarding.go_live_date = go_live_date
    return change


_ONBOARDING_TRANSITIONS = {
    Onboarding.Status.ACTIVE: {Onboarding.Status.LIVE, Onboarding.Status.CANCELLED},
    Onboarding.Status.LIVE: {Onboarding.Status.CLOSED},
}


def onboarding_set_status_validate(*, onboarding: Onboarding, status: str) -> None:
    """Raise ValidationError unless the onboarding may move to `status`."""
    if status not in _ONBOARDING_TRANSITIONS.get(onboarding.status, set()):
        raise ValidationError(
            {
                "status": (
                    f"An onboarding that is {onboarding.get_status_display().lower()} "
                    f"cannot become {Onboarding.Status(status).label.lower()}."
                )
            }
        )


def onboarding_set_status(*, onboarding: Onboarding, status: str, by) -> Onboarding:
    """Move an onboarding along active → live → closed (or active → cancelled)."""
    onboarding_set_status_validate(onboarding=onboarding, status=status)
    with transaction.atomic():
        onboarding.status = status
        onboarding.status_changed_at = timezone.now()
        onboarding._change_reason = f"status set to {status}"
        onboarding.save(update_fields=["status", "status_changed_at", "updated_at"])
    return onboarding


def item_set_status(
    *,
    item: ChecklistItem,
    status: str,
    by,
    expected_version: int,
    note: str = "",
    reason: str = "",
) -> ChecklistItem:
    """Change an item's status, enforcing the checklist's rules.

    Blocked needs a reason and N/A a justification (both passed as `reason`); done is
    refused while any item it depends on is still open, naming them. Done and N/A record
    who finished the item and when; reopening clears that. If the item changed since
    the caller read it (`expected_version`), StaleEditError is raised and nothing
    changes. A non-empty `note` replaces the item's note.
    """
    if status not in ChecklistItem.Status.values:
        raise ValidationError({"status": f"“{status}” is not a status."})
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = (
            ChecklistItem.objects.select_for_update()
            .select_related("onboarding")
            .get(pk=item.pk)
        )
        if locked.version != expected_version:
            raise StaleEditError(locked)
        if status == ChecklistItem.Status.BLOCKED and not reason:
            raise ValidationError({"reason": "Say what is blocking this item."})
        if status == ChecklistItem.Status.NOT_APPLICABLE and not reason:
            raise ValidationError(
                {"reason": "Give a justification for marking this item not applicable."}
            )
        if status == ChecklistItem.Status.DONE:
            open_deps = list(
                locked.depends_on.filter(
                    status__in=ChecklistItem.OPEN_STATUSES
                ).order_by("order")
            )
            if open_deps:
                names = "; ".join(f"{d.order}. {d.title}" for d in open_deps)
                raise ValidationError(
                    {
                        "status": f"This item cannot be done while these are open: {names}."  # noqa: E501
                    }
                )

        finished_before = locked.status in ChecklistItem.FINISHED_STATUSES
        locked.status = status
        locked.blocked_reason = reason if status == ChecklistItem.Status.BLOCKED else ""
        locked.na_justification = (
            reason if status == ChecklistItem.Status.NOT_APPLICABLE else ""
        )
        if status in ChecklistItem.FINISHED_STATUSES:
            if not finished_before or locked.completed_at is None:
                locked.completed_at = timezone.now()
                locked.completed_by = by
        else:
            locked.completed_at = None
            locked.completed_by = None
        if note.strip():
            locked.note = note.strip()
        locked.updated_by = by
        locked.version += 1
        locked._history_user = by
        locked.save()
    return locked


def item_update_details(*, item: ChecklistItem, by, fields: list[str]) -> ChecklistItem:
    """Save an administrator's edit of an item's details (title, due date, flags...).

    Status changes never come through here (see `item_set_status`); the version is
    bumped so that anyone editing the item at the same time is told of the change.
    """
    forbidden = {"status", "completed_at", "completed_by", "version"} & set(fields)
    if forbidden:
        raise ValidationError(
            f"Use item_set_status to change {', '.join(sorted(forbidden))}."
        )
    with transaction.atomic():
        item.version += 1
        item.updated_by = by
        item._history_user = by
        item.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    return item


def item_add(*, item: ChecklistItem, by) -> ChecklistItem:
    """Add an item that the template did not have to one court's checklist."""
    with transaction.atomic():
        item.offset_days = (item.due_date - item.onboarding.go_live_date).days
        item.updated_by = by
        item._history_user = by
        item.save()
    return item

"""The onboarding's lifecycle: start from a template, move Go-Live, change status."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ccpor_onboard.lib.dates import today_in_california
from courts.models import Court

from ..models import (
    ChecklistItem,
    ChecklistTemplate,
    Condition,
    GoLiveChange,
    Onboarding,
    TemplateItem,
)
from . import notices


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
    elif Onboarding.objects.open().filter(court=court).exists():
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


def checklist_item_from_template(
    template_item: TemplateItem,
    *,
    onboarding: Onboarding,
    go_live_date: datetime.date,
    **fields,
) -> ChecklistItem:
    """An unsaved checklist item copying a template item, due at Go-Live + offset."""
    t = template_item
    return ChecklistItem(
        onboarding=onboarding,
        template_item=t,
        phase_id=t.phase_id,
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
        is_training=t.is_training,
        info_url=t.info_url,
        due_date=go_live_date + datetime.timedelta(days=t.offset_days),
        **fields,
    )


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
    today = today or today_in_california()
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
                copies[t.pk] = checklist_item_from_template(
                    t,
                    onboarding=onboarding,
                    go_live_date=go_live_date,
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
    reason, who, when) and every member of the court is told. A reason is required;
    the new date may not be in the past.
    """
    today = today or today_in_california()
    reason = (reason or "").strip()
    onboarding_reschedule_validate(
        onboarding=onboarding, go_live_date=go_live_date, reason=reason, today=today
    )
    with transaction.atomic():
        locked = Onboarding.objects.select_for_update().get(pk=onboarding.pk)
        old_date = locked.go_live_date
        delta = go_live_date - old_date
        items = list(locked.items.select_for_update().open())
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
            # GO_LIVE_MOVED_REASON (selectors) recognises these records.
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
        notices.go_live_moved(change, by=by)
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

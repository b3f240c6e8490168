"""The onboarding's start (from a template) and Go-Live moves.

Its later lifecycle (live, closed, cancelled, reopened) belongs to the Go-Live app
(`golive.services`): below it, only the start sets an onboarding's status."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ccpor_onboard.lib.bounds import field_error
from ccpor_onboard.lib.dates import today_in_california
from courts.models import Court

from .. import signals
from ..limits import REASON_MAX, go_live_too_far, history_reason
from ..models import (
    ChecklistItem,
    ChecklistTemplate,
    Condition,
    GoLiveChange,
    Onboarding,
    TemplateItem,
)
from . import notices
from .summaries import onboarding_summaries_refresh


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
    elif too_far := go_live_too_far(go_live_date, today):
        errors["go_live_date"] = too_far
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


def checklist_items_from_template(
    template_items: Iterable[TemplateItem],
    *,
    onboarding: Onboarding,
    court_enters_carpos: bool,
    so_participates: bool,
    **fields,
) -> dict[int, ChecklistItem]:
    """Unsaved copies of the template items that fit the processing model, due at the
    onboarding's Go-Live + offset, keyed by template item id (for
    `checklist_dependencies` once they are saved)."""
    return {
        t.pk: checklist_item_from_template(
            t, onboarding=onboarding, go_live_date=onboarding.go_live_date, **fields
        )
        for t in template_items
        if _applies(
            t,
            court_enters_carpos=court_enters_carpos,
            so_participates=so_participates,
        )
    }


def checklist_dependencies(
    template_items: Iterable[TemplateItem], copies: dict[int, ChecklistItem]
) -> list:
    """Unsaved dependency rows between saved copies, as the template links their
    template items; a dependency on an item that was not copied is left out.
    `template_items` should prefetch `depends_on`."""
    return [
        ChecklistItem.depends_on.through(
            from_checklistitem_id=copies[t.pk].pk,
            to_checklistitem_id=copies[dep.pk].pk,
        )
        for t in template_items
        if t.pk in copies
        for dep in t.depends_on.all()
        if dep.pk in copies
    ]


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
            copies = checklist_items_from_template(
                template_items,
                onboarding=onboarding,
                court_enters_carpos=court_enters_carpos,
                so_participates=so_participates,
                updated_by=started_by,
            )
            bulk_create_with_history(
                list(copies.values()), ChecklistItem, default_user=started_by
            )
            ChecklistItem.depends_on.through.objects.bulk_create(
                checklist_dependencies(template_items, copies)
            )
            onboarding_summaries_refresh(onboarding_ids=[onboarding.pk])
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
    elif len(reason.strip()) > REASON_MAX:
        errors["reason"] = f"The reason may be at most {REASON_MAX} characters."
    elif problem := field_error(GoLiveChange, "reason", reason.strip()):
        errors["reason"] = problem
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
    elif too_far := go_live_too_far(go_live_date, today):
        errors["go_live_date"] = too_far
    if errors:
        raise ValidationError(errors)


def onboarding_check_version(*, onboarding: Onboarding, expected_version: int) -> None:
    """StaleEditError unless the onboarding is still at `expected_version` (for a
    form's clean; the writing services check again under a lock)."""
    from .items import StaleEditError

    current = Onboarding.objects.get(pk=onboarding.pk)
    if current.version != expected_version:
        raise StaleEditError(current)


def _lock(onboarding: Onboarding, expected_version: int | None) -> Onboarding:
    from .items import StaleEditError

    locked = Onboarding.objects.select_for_update().get(pk=onboarding.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEditError(locked)
    return locked


def onboarding_reschedule(
    *,
    onboarding: Onboarding,
    go_live_date: datetime.date,
    reason: str,
    by,
    today: datetime.date | None = None,
    expected_version: int | None = None,
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
        locked = _lock(onboarding, expected_version)
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
            default_change_reason=history_reason(f"Go-Live moved: {reason}"),
        )
        locked.go_live_date = go_live_date
        locked.version += 1
        locked.save(update_fields=["go_live_date", "version", "updated_at"])
        onboarding_summaries_refresh(onboarding_ids=[locked.pk])
        change = GoLiveChange.objects.create(
            onboarding=locked,
            old_date=old_date,
            new_date=go_live_date,
            reason=reason,
            changed_by=by,
        )
        notices.go_live_moved(change, by=by)
        signals.go_live_moved.send(sender=GoLiveChange, change=change, by=by)
    onboarding.go_live_date = go_live_date
    onboarding.version = locked.version
    return change

"""One item's status and details: the checklist's rules, optimistic locking,
verification, reopening and bulk changes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ccpor_onboard.lib.bounds import field_error, validate_values

from .. import access, limits, signals
from ..limits import history_reason
from ..models import PLAN_FIELDS, ChecklistItem, Justifier, Onboarding, Replan
from . import notices
from .guards import onboarding_ensure_writable
from .summaries import onboarding_summaries_refresh


class StaleEditError(Exception):
    """Someone saved the item (or onboarding) after this edit began; nothing was
    changed."""

    def __init__(self, obj):
        self.current = obj
        if isinstance(obj, ChecklistItem):
            what = (
                f"“{obj.title}” was changed by someone else while you were editing "
                f"(it is now {obj.get_status_display()})."
            )
        else:
            what = f"{obj} was changed by someone else while you were editing."
        super().__init__(
            f"{what} Your change was not saved; review the current value and try again."
        )


def item_check_version(*, item: ChecklistItem, expected_version: int) -> None:
    """StaleEditError unless the item is still at `expected_version` (for a form's
    clean; the writing service checks again under a lock)."""
    current = ChecklistItem.objects.get(pk=item.pk)
    if current.version != expected_version:
        raise StaleEditError(current)


def _check_length(*, reason: str = "", note: str = "") -> None:
    """A reason's and a note's bounds (length, control characters): those of the
    item's fields they fill."""
    errors = {}
    if len(reason) > limits.REASON_MAX:
        errors["reason"] = f"At most {limits.REASON_MAX} characters, please."
    elif problem := field_error(ChecklistItem, "blocked_reason", reason):
        errors["reason"] = problem
    if len(note or "") > limits.NOTE_MAX:
        errors["note"] = f"A note may be at most {limits.NOTE_MAX} characters."
    elif problem := field_error(ChecklistItem, "note", note):
        errors["note"] = problem
    if errors:
        raise ValidationError(errors)


def _check_details(item: ChecklistItem, fields) -> None:
    """An administrator's values for the item's details pass the model's bounds,
    and its due date stays within OFFSET_MAX_DAYS of Go-Live (as the admin form
    checks; here for every other path)."""
    validate_values(
        ChecklistItem,
        **{
            name: getattr(item, name)
            for name in fields
            if not ChecklistItem._meta.get_field(name).is_relation
        },
    )
    if "due_date" in fields and item.due_date is not None:
        onboarding = Onboarding.objects.get(pk=item.onboarding_id)
        problem = limits.due_date_out_of_range(item.due_date, onboarding.go_live_date)
        if problem:
            raise ValidationError({"due_date": problem})


def evidence_missing_message(item: ChecklistItem, *, action: str) -> str:
    """The refusal for an evidence-required item that has no document yet."""
    return (
        f"“{item.title}” needs evidence: upload its document before it can be {action}."
    )


def _apply_status(
    *,
    item: ChecklistItem,
    status: str,
    by,
    expected_version: int,
    note: str = "",
    reason: str = "",
    change_reason: str = "",
    replan: Replan | None = None,
) -> tuple[ChecklistItem, str]:
    """`item_set_status` without its notification; returns the item and the status
    it had before. Call inside a transaction."""
    if status not in ChecklistItem.Status.values:
        raise ValidationError({"status": f"“{status}” is not a status."})
    reason = (reason or "").strip()
    _check_length(reason=reason, note=note)
    locked = (
        # The item and its onboarding are locked; the court and owner are only read
        # (for the notification).
        ChecklistItem.objects.select_for_update(of=("self", "onboarding"))
        .select_related("onboarding__court", "owner")
        .get(pk=item.pk)
    )
    onboarding_ensure_writable(locked.onboarding)
    if locked.version != expected_version:
        raise StaleEditError(locked)
    if status == ChecklistItem.Status.BLOCKED and not reason:
        raise ValidationError({"reason": "Say what is blocking this item."})
    if status == ChecklistItem.Status.NOT_APPLICABLE and not reason:
        raise ValidationError(
            {"reason": "Give a justification for marking this item not applicable."}
        )
    justifier = ""
    if status == ChecklistItem.Status.NOT_APPLICABLE:
        justifier = _na_justifier(locked, by, replan)
    if status == ChecklistItem.Status.DONE:
        open_deps = list(locked.depends_on.open().order_by("order"))
        if open_deps:
            names = "; ".join(f"{d.order}. {d.title}" for d in open_deps)
            message = f"This item cannot be done while these are open: {names}."
            raise ValidationError({"status": message})
        if locked.evidence_required and not locked.evidence.exists():
            raise ValidationError(
                {"status": evidence_missing_message(locked, action="marked done")}
            )

    before = locked.status
    finished_before = before in ChecklistItem.FINISHED_STATUSES
    locked.status = status
    locked.blocked_reason = reason if status == ChecklistItem.Status.BLOCKED else ""
    locked.na_justification = (
        reason if status == ChecklistItem.Status.NOT_APPLICABLE else ""
    )
    locked.na_justified_by = justifier
    if status in ChecklistItem.FINISHED_STATUSES:
        if not finished_before or locked.completed_at is None:
            locked.completed_at = timezone.now()
            locked.completed_by = by
    else:
        locked.completed_at = None
        locked.completed_by = None
    if status != ChecklistItem.Status.DONE:
        locked.verified_at = None
        locked.verified_by = None
    if change_reason:
        locked._change_reason = history_reason(change_reason)
    if note.strip():
        locked.note = note.strip()
    locked.updated_by = by
    locked.version += 1
    locked._history_user = by
    locked.save()
    onboarding_summaries_refresh(onboarding_ids=[locked.onboarding_id])
    if before != status:
        signals.item_status_changed.send(
            sender=ChecklistItem, item=locked, before=before, by=by
        )
    return locked, before


def _na_justifier(item: ChecklistItem, by, replan: Replan | None) -> str:
    """Whose word the N/A of `item` by `by` stands on; ValidationError if it may not
    stand on theirs, or if the item's evidence is missing. A recorded re-plan of
    the item's onboarding may make any item N/A."""
    if replan is not None and replan.onboarding_id == item.onboarding_id:
        return Justifier.REPLAN
    refusal = access.na_refusal(by, item)
    if refusal:
        raise ValidationError({"status": refusal})
    if item.evidence_required and not item.evidence.exists():
        raise ValidationError(
            {"status": evidence_missing_message(item, action="marked not applicable")}
        )
    return access.na_justifier(by, item.onboarding.court_id)


def _reopens(before: str, after: str) -> bool:
    return (
        before in ChecklistItem.FINISHED_STATUSES
        and after in ChecklistItem.OPEN_STATUSES
    )


def item_set_status(
    *,
    item: ChecklistItem,
    status: str,
    by,
    expected_version: int,
    note: str = "",
    reason: str = "",
    change_reason: str = "",
    replan: Replan | None = None,
) -> ChecklistItem:
    """Change an item's status, enforcing the checklist's rules.

    Blocked needs a reason and N/A a justification (both passed as `reason`); done is
    refused while any item it depends on is still open, naming them, and for an
    evidence-required item without a document. N/A is refused for an
    evidence-required item without its document, and unless the justification is
    the word of a side the item needs (`checklists.access.na_refusal`: a court's or
    SO's readiness gate only that side's, never the CCPOR Team's); whose word it
    is, is recorded (`na_justified_by`). Only `replan`, the recorded re-plan of the
    item's onboarding that makes the change, lifts those two. Nothing changes on a
    closed or cancelled onboarding (read-only for everyone). Done and N/A record
    who finished the item and when; reopening clears that. If the item changed since
    the caller read it (`expected_version`), StaleEditError is raised and nothing
    changes. A non-empty `note` replaces the item's note. Leaving Done clears the CCPOR
    Team's verification. `change_reason` is kept in the item's history.

    An item that becomes blocked, or open again after being finished, is notified
    to its owner and the court's project lead, the CCPOR Team in copy.
    """
    with transaction.atomic():
        locked, before = _apply_status(
            item=item,
            status=status,
            by=by,
            expected_version=expected_version,
            note=note,
            reason=reason,
            change_reason=change_reason,
            replan=replan,
        )
        if status == ChecklistItem.Status.BLOCKED and before != status:
            notices.item_blocked(locked, by=by)
        elif _reopens(before, status):
            notices.item_reopened(locked, by=by, reason=note.strip())
    return locked


def item_update_details(
    *,
    item: ChecklistItem,
    by,
    fields: list[str],
    expected_version: int | None = None,
) -> ChecklistItem:
    """Save an administrator's edit of an item's details (title, due date, flags...).

    Status changes never come through here (see `item_set_status`). If the item
    changed since the administrator opened it (`expected_version`), StaleEditError
    and nothing is saved; the version is bumped so that anyone editing the item at
    the same time is told of the change.
    """
    forbidden = {"status", "completed_at", "completed_by", "version"} & set(fields)
    if forbidden:
        raise ValidationError(
            f"Use item_set_status to change {', '.join(sorted(forbidden))}."
        )
    onboarding = Onboarding.objects.get(pk=item.onboarding_id)
    onboarding_ensure_writable(onboarding)
    ensure_plan_unchanged(onboarding, fields=fields)
    _check_details(item, fields)
    with transaction.atomic():
        locked = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleEditError(locked)
        item.version = locked.version + 1
        item.updated_by = by
        item._history_user = by
        item.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
        onboarding_summaries_refresh(onboarding_ids=[item.onboarding_id])
    return item


# The plan's fields in a sentence ("On a running onboarding, whether an item is a
# readiness gate changes only ...").
_PLAN_WORDS = {
    "is_readiness_gate": "whether an item is a readiness gate",
    "evidence_required": "whether it requires evidence",
    "actor": "whose item it is",
}


def ensure_plan_unchanged(
    onboarding: Onboarding, *, fields=(), adds: bool = False
) -> None:
    """Refuse (ValidationError) a change of a running onboarding's plan outside a
    recorded re-plan: which items are readiness gates, which require evidence and
    whose they are (`PLAN_FIELDS`, named in `fields`), and which items it has
    (`adds`: an item added)."""
    if not onboarding.is_open:
        return
    changed = [_PLAN_WORDS[name] for name in PLAN_FIELDS if name in fields]
    if not changed and not adds:
        return
    what = "items are added" if adds else " or ".join(changed) + " changes"
    raise ValidationError(
        f"On a running onboarding, {what} only through a recorded re-plan by the "
        "CCPOR Team (“Re-plan from the template”, on the court page), never by an "
        "edit of an item."
    )


def item_add(*, item: ChecklistItem, by, replan: Replan | None = None) -> ChecklistItem:
    """Add an item to one court's checklist, as part of `replan`, the recorded
    re-plan of its onboarding (its owner, if it has one, is told). Refused
    otherwise: a running onboarding's items are fixed."""
    onboarding_ensure_writable(item.onboarding)
    if replan is None or replan.onboarding_id != item.onboarding_id:
        ensure_plan_unchanged(item.onboarding, adds=True)
    _check_details(
        item,
        [f.name for f in ChecklistItem._meta.concrete_fields if f.editable],
    )
    with transaction.atomic():
        item.offset_days = (item.due_date - item.onboarding.go_live_date).days
        item.updated_by = by
        item._history_user = by
        item.save()
        onboarding_summaries_refresh(onboarding_ids=[item.onboarding_id])
        if item.owner_id:
            notices.item_assigned(item, by=by)
    return item


def item_verify(*, item: ChecklistItem, by, expected_version: int) -> ChecklistItem:
    """Record that the CCPOR Team checked a done item (who, when).

    Only a done, not yet verified item can be verified, and an evidence-required one
    only with its document; StaleEditError if the item changed since the caller read
    it.
    """
    with transaction.atomic():
        locked = (
            ChecklistItem.objects.select_for_update()
            .select_related("onboarding")
            .get(pk=item.pk)
        )
        onboarding_ensure_writable(locked.onboarding)
        if locked.version != expected_version:
            raise StaleEditError(locked)
        if locked.status != ChecklistItem.Status.DONE:
            raise ValidationError(
                {
                    "status": "Only a done item can be verified; this one is "
                    f"{locked.get_status_display().lower()}."
                }
            )
        if locked.verified_at is not None:
            raise ValidationError({"status": "This item is already verified."})
        if locked.evidence_required and not locked.evidence.exists():
            raise ValidationError(
                {"status": evidence_missing_message(locked, action="verified")}
            )
        locked.verified_at = timezone.now()
        locked.verified_by = by
        locked.updated_by = by
        locked.version += 1
        locked._history_user = by
        locked._change_reason = "verified by the CCPOR Team"
        locked.save()
    return locked


def item_reopen(
    *, item: ChecklistItem, by, expected_version: int, reason: str
) -> ChecklistItem:
    """Take a finished (done or N/A) item back to In progress, saying why.

    Clears who finished it and any verification; the reason is kept in the item's
    history and added to its comments so the court sees it, and the owner, the
    court's project lead and the CCPOR Team are told (with the reason).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the item is being reopened."})
    _check_length(reason=reason)
    if item.status not in ChecklistItem.FINISHED_STATUSES:
        raise ValidationError({"status": "Only a done or N/A item can be reopened."})
    with transaction.atomic():
        reopened, _ = _apply_status(
            item=item,
            status=ChecklistItem.Status.IN_PROGRESS,
            by=by,
            expected_version=expected_version,
            change_reason=f"reopened: {reason}",
        )
        signals.item_reopened.send(
            sender=ChecklistItem, item=reopened, by=by, reason=reason
        )
        notices.item_reopened(reopened, by=by, reason=reason)
    return reopened


def items_bulk_set_status(
    *,
    items: list[ChecklistItem],
    status: str,
    by,
    expected_versions: dict[int, int],
    reason: str = "",
    refusals: dict[int, str] | None = None,
) -> tuple[list[ChecklistItem], list[tuple[ChecklistItem, str]]]:
    """Set one status on several items; each follows every rule of `item_set_status`.

    Items are changed one by one, each in its own transaction, so one refusal does
    not undo the others. `refusals` names items refused before the call (e.g. not
    the caller's to update); they are reported and left alone. Returns the changed
    items and the refused ones with the reason for each.
    """
    refusals = refusals or {}
    changed: list[ChecklistItem] = []
    refused: list[tuple[ChecklistItem, str]] = []
    for item in sorted(items, key=lambda i: i.order):
        if item.pk in refusals:
            refused.append((item, refusals[item.pk]))
            continue
        try:
            changed.append(
                item_set_status(
                    item=item,
                    status=status,
                    by=by,
                    expected_version=expected_versions.get(item.pk, item.version),
                    reason=reason,
                )
            )
        except StaleEditError as exc:
            refused.append((item, str(exc)))
        except ValidationError as exc:
            refused.append((item, " ".join(exc.messages)))
    return changed, refused


def item_set_owner(
    *, item: ChecklistItem, owner, by, expected_version: int
) -> ChecklistItem:
    """Name the person who sees the item through, or nobody (`owner=None`).

    The owner must be an active member of the item's actor's organisation at the
    item's court (not a viewer), or a CCPOR staff member for a CCPOR Team item
    (`checklists.access.owner_refusal`); ValidationError keyed "owner" otherwise.
    The new owner is told (unless they named themselves). StaleEditError if the item
    changed since the caller read it.
    """
    with transaction.atomic():
        locked = (
            ChecklistItem.objects.select_for_update(of=("self", "onboarding"))
            .select_related("onboarding__court")
            .get(pk=item.pk)
        )
        onboarding_ensure_writable(locked.onboarding)
        if locked.version != expected_version:
            raise StaleEditError(locked)
        refusal = access.owner_refusal(locked, owner)
        if refusal:
            raise ValidationError({"owner": refusal})
        if locked.owner_id == getattr(owner, "pk", None):
            return locked
        locked.owner = owner
        locked.updated_by = by
        locked.version += 1
        locked._history_user = by
        locked._change_reason = (
            f"owner: {owner}" if owner is not None else "owner removed"
        )
        locked.save()
        notices.item_assigned(locked, by=by)
    return locked

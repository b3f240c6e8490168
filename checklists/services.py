"""Writes to onboardings and their checklists. Every write goes through here."""

import datetime
import re
import unicodedata
import zipfile
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ccpor_onboard.lib.dates import today as local_today
from courts.models import Court

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    Comment,
    Condition,
    Evidence,
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
    change_reason: str = "",
) -> ChecklistItem:
    """Change an item's status, enforcing the checklist's rules.

    Blocked needs a reason and N/A a justification (both passed as `reason`); done is
    refused while any item it depends on is still open, naming them. Done and N/A record
    who finished the item and when; reopening clears that. If the item changed since
    the caller read it (`expected_version`), StaleEditError is raised and nothing
    changes. A non-empty `note` replaces the item's note. Leaving Done clears the CCPOR
    Team's verification. `change_reason` is kept in the item's history.
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
        if status != ChecklistItem.Status.DONE:
            locked.verified_at = None
            locked.verified_by = None
        if change_reason:
            locked._change_reason = change_reason
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


# --- The portal: verification, evidence, comments, bulk updates -----------------


def item_verify(*, item: ChecklistItem, by, expected_version: int) -> ChecklistItem:
    """Record that the CCPOR Team checked a done item (who, when).

    Only a done, not yet verified item can be verified; StaleEditError if the item
    changed since the caller read it.
    """
    with transaction.atomic():
        locked = ChecklistItem.objects.select_for_update().get(pk=item.pk)
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
    history and added to its comments so the court sees it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the item is being reopened."})
    if item.status not in ChecklistItem.FINISHED_STATUSES:
        raise ValidationError({"status": "Only a done or N/A item can be reopened."})
    with transaction.atomic():
        reopened = item_set_status(
            item=item,
            status=ChecklistItem.Status.IN_PROGRESS,
            by=by,
            expected_version=expected_version,
            change_reason=f"reopened: {reason}",
        )
        Comment.objects.create(item=reopened, author=by, body=f"Reopened: {reason}")
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


# Evidence: what may be uploaded and how it is recognised (from content, not name).
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    "pdf": ("application/pdf", "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (DOCX)",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel (XLSX)",
    ),
    "png": ("image/png", "PNG"),
    "jpg": ("image/jpeg", "JPEG"),
}
# The main part of an Office Open XML file, as its [Content_Types].xml names it; a
# macro-enabled file (.docm, .xlsm) declares another type and is refused.
_OOXML_MAIN = {
    "docx": ("word/document.xml", b"wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
}


def evidence_detect_type(file) -> str | None:
    """The evidence type ("pdf", "docx", ...) read from the file's bytes, or None."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
                if "[Content_Types].xml" not in names:
                    return None
                types = archive.read("[Content_Types].xml")
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
        finally:
            file.seek(0)
        for kind, (main_part, main_type) in _OOXML_MAIN.items():
            if main_part in names and main_type in types:
                return kind
    return None


def evidence_clean_name(name: str, *, kind: str) -> str:
    """A safe display/download name: no directories, no odd characters, at most 120
    characters, and the extension of the detected type."""
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/")
    base = base.rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", stem)
    stem = re.sub(r"[ _]{2,}", "_", stem).strip(" ._-")[:100] or "evidence"
    return f"{stem}.{kind}"


def evidence_validate(*, file) -> str:
    """The evidence type of an upload ("pdf", "docx", ...), recognised from its content;
    ValidationError keyed "file" if it is empty, over 10 MB or of another type."""
    if file is None or not file.size:
        raise ValidationError({"file": "Choose a file to upload; this one is empty."})
    if file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "file": f"The file is {file.size / 1024 / 1024:.1f} MB; evidence may "
                "be at most 10 MB."
            }
        )
    kind = evidence_detect_type(file)
    if kind is None:
        allowed = ", ".join(label for _, label in EVIDENCE_TYPES.values())
        raise ValidationError(
            {
                "file": "This file's content is not one of the accepted types "
                f"({allowed}), whatever its name says."
            }
        )
    return kind


def evidence_upload(*, item: ChecklistItem, file, by) -> Evidence:
    """Attach a document to an item as evidence.

    Accepts PDF, DOCX, XLSX, PNG and JPEG up to 10 MB, recognised from the content
    (the name's extension is ignored); keeps a sanitised copy of the original name and
    stores the file under a random path. ValidationError keyed "file" otherwise.
    """
    kind = evidence_validate(file=file)
    content_type, _ = EVIDENCE_TYPES[kind]
    name = evidence_clean_name(getattr(file, "name", ""), kind=kind)
    with transaction.atomic():
        evidence = Evidence(
            item=item,
            original_name=name,
            content_type=content_type,
            size=file.size,
            uploaded_by=by,
        )
        evidence.file.save(f"upload.{kind}", file, save=False)
        try:
            evidence.save()
        except Exception:
            evidence.file.delete(save=False)
            raise
    return evidence


def comment_add(*, item: ChecklistItem, body: str, by) -> Comment:
    """Add a comment to an item's thread; an empty comment is refused."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment before posting it."})
    with transaction.atomic():
        return Comment.objects.create(item=item, author=by, body=body)


# The N/A justification written when a processing-model change makes an item moot;
# turning the condition back on reopens exactly the items that carry it.
PROCESSING_MODEL_NA = "No longer applies: the processing model changed"


def onboarding_set_processing_model(
    *,
    onboarding: Onboarding,
    court_enters_carpos: bool,
    so_participates: bool,
    by,
) -> Onboarding:
    """Change who enters CARPOS and whether the SO participates, and the checklist
    with it.

    Open items whose condition no longer holds become N/A (justified); finished ones
    are left as they are. Items whose condition now holds are added from the template
    (due dates from Go-Live, dependencies linked), or reopened if an earlier change
    had set them N/A. Only an active onboarding can change.
    """
    if onboarding.status != Onboarding.Status.ACTIVE:
        raise ValidationError(
            "Only an active onboarding's processing model can change; this one is "
            f"{onboarding.get_status_display().lower()}."
        )
    if (
        onboarding.court_enters_carpos == court_enters_carpos
        and onboarding.so_participates == so_participates
    ):
        raise ValidationError("That is already the processing model.")
    with transaction.atomic():
        locked = Onboarding.objects.select_for_update().get(pk=onboarding.pk)
        wanted = {
            Condition.COURT_ENTERS_CARPOS: court_enters_carpos,
            Condition.SO_PARTICIPATES: so_participates,
        }
        items = {
            i.template_item_id: i for i in locked.items.all() if i.template_item_id
        }
        for condition, applies in wanted.items():
            for item in locked.items.filter(condition=condition):
                if not applies and item.is_open:
                    item_set_status(
                        item=item,
                        status=ChecklistItem.Status.NOT_APPLICABLE,
                        by=by,
                        expected_version=item.version,
                        reason=f"{PROCESSING_MODEL_NA}.",
                    )
                elif (
                    applies
                    and item.status == ChecklistItem.Status.NOT_APPLICABLE
                    and item.na_justification.startswith(PROCESSING_MODEL_NA)
                ):
                    item_set_status(
                        item=item,
                        status=ChecklistItem.Status.NOT_STARTED,
                        by=by,
                        expected_version=item.version,
                    )
        template_items = list(
            locked.template.items.filter(
                condition__in=[c for c, applies in wanted.items() if applies]
            )
            .exclude(pk__in=list(items))
            .prefetch_related("depends_on", "dependents")
        )
        taken = set(locked.items.values_list("order", flat=True))
        for t in template_items:
            if t.order in taken:
                continue
            copy = item_add(
                item=checklist_item_from_template(
                    t, onboarding=locked, go_live_date=locked.go_live_date
                ),
                by=by,
            )
            items[t.pk] = copy
            copy.depends_on.add(
                *[items[d.pk] for d in t.depends_on.all() if d.pk in items]
            )
            for dependent in t.dependents.all():
                if dependent.pk in items:
                    items[dependent.pk].depends_on.add(copy)
        locked.court_enters_carpos = court_enters_carpos
        locked.so_participates = so_participates
        locked._change_reason = "processing model changed"
        locked._history_user = by
        locked.save(
            update_fields=["court_enters_carpos", "so_participates", "updated_at"]
        )
    onboarding.court_enters_carpos = court_enters_carpos
    onboarding.so_participates = so_participates
    return onboarding

"""Re-planning a running onboarding from its template: the one way a template's
change reaches an onboarding already started (its items were copied at the start).

Once an onboarding runs, which of its items are readiness gates, which require
evidence and whose they are (`PLAN_FIELDS`), and which items it has, change only
through a recorded re-plan by CCPOR staff: this one (the template's current plan
brought to the onboarding) or a processing-model change (`processing_model`). The
record (`Replan`) lists every change; each item's history keeps it too.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import access
from ..limits import REASON_MAX, history_reason
from ..models import (
    PLAN_FIELDS,
    Actor,
    ChecklistItem,
    ChecklistTemplate,
    Onboarding,
    Replan,
    TemplateItem,
)
from .guards import onboarding_ensure_writable
from .items import item_add
from .onboardings import checklist_item_from_template, checklist_items_from_template
from .summaries import onboarding_summaries_refresh


@dataclass(frozen=True)
class PlanChange:
    """One plan field of one item that differs from its template item."""

    item: ChecklistItem
    field: str  # one of PLAN_FIELDS
    before: object
    after: object

    @property
    def label(self) -> str:
        return {"is_readiness_gate": "readiness gate"}.get(
            self.field, ChecklistItem._meta.get_field(self.field).verbose_name
        )

    def describe(self) -> str:
        """The change in words, as the record keeps it."""

        def word(value) -> str:
            if isinstance(value, bool):
                return "yes" if value else "no"
            return Actor(value).label

        return f"{self.item}: {self.label} {word(self.before)} → {word(self.after)}"


@dataclass(frozen=True)
class DueChange:
    """An unfinished item's offset from Go-Live in a newer template version (a lead
    time accepted from finished courts), and so its due date."""

    item: ChecklistItem
    offset: int
    due_date: datetime.date

    def describe(self) -> str:
        return (
            f"{self.item}: due {self.item.due_date:%b %-d, %Y} → "
            f"{self.due_date:%b %-d, %Y} ({self.offset:+d} days from Go-Live)"
        )


@dataclass
class ReplanPreview:
    """What a re-plan from the template would change on an onboarding."""

    # A newer version of the onboarding's template to move onto (None: it stays
    # on its own version).
    template: ChecklistTemplate | None = None
    moves: list[DueChange] = field(default_factory=list)
    changes: list[PlanChange] = field(default_factory=list)
    # Template items that fit the processing model and the checklist lacks.
    additions: list[TemplateItem] = field(default_factory=list)
    # ...of which these cannot be added: another item holds their place (order).
    blocked: list[TemplateItem] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.template or self.moves or self.changes or self.additions)


def newer_version(template: ChecklistTemplate) -> ChecklistTemplate | None:
    """The active version of the same template newer than `template`, if any (made
    by accepting a lead time: planning.services.lead_time_accept)."""
    return (
        ChecklistTemplate.objects.filter(
            name=template.name, is_active=True, version__gt=template.version
        )
        .order_by("-version")
        .first()
    )


def replan_preview(onboarding: Onboarding) -> ReplanPreview:
    """What `onboarding_replan` would change now (read only, for the page that asks
    CCPOR staff to confirm it): five queries. When a newer version of the
    onboarding's template is active, the re-plan moves the onboarding onto it:
    each item is compared with the newer version's item of the same number, and
    an unfinished item whose offset from Go-Live differs is due on the new day."""
    items = list(onboarding.items.select_related("template_item").order_by("order"))
    preview = ReplanPreview(template=newer_version(onboarding.template))
    target = preview.template or onboarding.template
    if preview.template is not None:
        newer = {t.order: t for t in preview.template.items.all()}
        for item in items:
            if item.template_item is not None and item.order in newer:
                item.template_item = newer[item.order]
    for item in items:
        template_item = item.template_item
        if template_item is None:
            continue
        if (
            preview.template is not None
            and template_item.template_id == preview.template.pk
            and item.status not in ChecklistItem.FINISHED_STATUSES
            and item.offset_days != template_item.offset_days
        ):
            preview.moves.append(
                DueChange(
                    item,
                    template_item.offset_days,
                    onboarding.go_live_date
                    + datetime.timedelta(days=template_item.offset_days),
                )
            )
        for name in PLAN_FIELDS:
            before, after = getattr(item, name), getattr(template_item, name)
            if before != after:
                preview.changes.append(PlanChange(item, name, before, after))
    linked = {item.template_item_id for item in items if item.template_item_id}
    taken = {item.order for item in items}
    fitting = checklist_items_from_template(
        target.items.exclude(pk__in=linked).order_by("order"),
        onboarding=onboarding,
        court_enters_carpos=onboarding.court_enters_carpos,
        so_participates=onboarding.so_participates,
    )
    for copy in fitting.values():
        if copy.order in taken:
            preview.blocked.append(copy.template_item)
        else:
            preview.additions.append(copy.template_item)
    return preview


def onboarding_replan(*, onboarding: Onboarding, by, reason: str) -> Replan:
    """Bring the template's current plan to a running onboarding, with a reason, by
    CCPOR staff: each item's readiness-gate and evidence flags and its actor as
    its template item has them now, and the template items that fit the processing
    model and the checklist lacks, added (due from Go-Live, dependencies linked).
    Items finished stay finished (the Go-Live gate then asks for what they lack).
    Recorded as a `Replan` listing every change. ValidationError, changing
    nothing, when there is nothing to change or the onboarding is not running."""
    if not access.can_manage_onboarding(by, onboarding):
        raise ValidationError("Only the CCPOR Team re-plans an onboarding.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why; the reason is kept with the record."}
        )
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"At most {REASON_MAX} characters, please."})
    with transaction.atomic():
        locked = (
            Onboarding.objects.select_for_update()
            .select_related("court", "template")
            .get(pk=onboarding.pk)
        )
        onboarding_ensure_writable(locked)
        preview = replan_preview(locked)
        if preview.is_empty:
            raise ValidationError(
                "The checklist already follows its template's plan: nothing to re-plan."
            )
        replan = Replan.objects.create(
            onboarding=locked, kind=Replan.Kind.TEMPLATE, reason=reason, by=by
        )
        replan.changes = []
        if preview.template is not None:
            replan.changes += _move_onto(locked, preview, by=by, reason=reason)
        _apply_changes(preview.changes, by=by, reason=reason)
        replan.changes += [change.describe() for change in preview.changes]
        replan.changes += _add_items(locked, preview.additions, by=by, replan=replan)
        replan.changes += [
            f"{t}: not added, another item holds its place" for t in preview.blocked
        ]
        replan.save(update_fields=["changes"])
        locked.version += 1  # a form opened before the re-plan is refused
        locked.save(update_fields=["version", "template", "updated_at"])
        onboarding_summaries_refresh(onboarding_ids=[locked.pk])
    onboarding.version = locked.version
    return replan


def _move_onto(onboarding, preview: ReplanPreview, *, by, reason: str) -> list[str]:
    """Link the onboarding and its items to the newer version, and give each
    unfinished item whose offset changed its new offset and due date (recorded in
    its history); the record's lines."""
    new = preview.template
    old = onboarding.template
    onboarding.template = new
    newer = {t.order: t.pk for t in new.items.all()}
    relinked = [
        ChecklistItem(pk=pk, template_item_id=newer[order])
        for pk, order in onboarding.items.filter(
            template_item__isnull=False, order__in=list(newer)
        ).values_list("pk", "order")
    ]
    ChecklistItem.objects.bulk_update(relinked, ["template_item"])
    for move in preview.moves:
        item = ChecklistItem.objects.select_for_update().get(pk=move.item.pk)
        item.offset_days = move.offset
        item.due_date = move.due_date
        item.version += 1
        item.updated_by = by
        item._history_user = by
        item._change_reason = history_reason(f"re-plan onto {new}: {reason}")
        item.save(
            update_fields=[
                "offset_days",
                "due_date",
                "version",
                "updated_by",
                "updated_at",
            ]
        )
    return [f"Moved from {old} onto {new}", *(m.describe() for m in preview.moves)]


def _apply_changes(changes: list[PlanChange], *, by, reason: str) -> None:
    by_item: dict[int, list[PlanChange]] = {}
    for change in changes:
        by_item.setdefault(change.item.pk, []).append(change)
    for item_changes in by_item.values():
        item = ChecklistItem.objects.select_for_update().get(pk=item_changes[0].item.pk)
        for change in item_changes:
            setattr(item, change.field, change.after)
        item.version += 1
        item.updated_by = by
        item._history_user = by
        item._change_reason = history_reason(f"re-plan from the template: {reason}")
        item.save(
            update_fields=[
                *(change.field for change in item_changes),
                "version",
                "updated_by",
                "updated_at",
            ]
        )


def _add_items(
    onboarding: Onboarding, template_items: list[TemplateItem], *, by, replan
) -> list[str]:
    """Add copies of the template items, linked to the checklist's items as the
    template links theirs; the record's line for each."""
    copies = {
        i.template_item_id: i for i in onboarding.items.all() if i.template_item_id
    }
    added = {}
    for t in template_items:
        added[t.pk] = copies[t.pk] = item_add(
            item=checklist_item_from_template(
                t, onboarding=onboarding, go_live_date=onboarding.go_live_date
            ),
            by=by,
            replan=replan,
        )
    for t in TemplateItem.objects.filter(pk__in=list(added)).prefetch_related(
        "depends_on", "dependents"
    ):
        copy = added[t.pk]
        copy.depends_on.add(
            *[copies[d.pk] for d in t.depends_on.all() if d.pk in copies]
        )
        for d in t.dependents.all():
            if d.pk in copies and d.pk not in added:
                copies[d.pk].depends_on.add(copy)
    return [f"{copy}: added" for copy in added.values()]

"""The processing model (who enters CARPOS, whether the SO participates) and the
checklist that follows from it: a re-plan of the onboarding, recorded as one."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import access
from ..models import ChecklistItem, Condition, Onboarding, Replan
from .items import item_add, item_set_status
from .onboardings import checklist_item_from_template
from .summaries import onboarding_summaries_refresh

# The N/A justification written when a processing-model change makes an item moot;
# turning the condition back on reopens exactly the items that carry it.
PROCESSING_MODEL_NA = "No longer applies: the processing model changed"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def onboarding_set_processing_model(
    *,
    onboarding: Onboarding,
    court_enters_carpos: bool,
    so_participates: bool,
    by,
) -> Onboarding:
    """Change who enters CARPOS and whether the SO participates, and the checklist
    with it: a re-plan, by CCPOR staff, recorded (`Replan`) with every item it made
    N/A, reopened or added, and the readiness gates it made N/A listed apart.

    Open items whose condition no longer holds become N/A (justified, on the
    re-plan's word); finished ones are left as they are. Items whose condition now
    holds are added from the template (due dates from Go-Live, dependencies
    linked), or reopened if an earlier change had set them N/A. Only an active
    onboarding can change.
    """
    if not access.can_manage_onboarding(by, onboarding):
        raise ValidationError("Only the CCPOR Team changes the processing model.")
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
        replan = Replan.objects.create(
            onboarding=locked,
            kind=Replan.Kind.PROCESSING_MODEL,
            reason=(
                f"Court enters CARPOS: {_yes_no(locked.court_enters_carpos)} → "
                f"{_yes_no(court_enters_carpos)}; sheriff's office participates: "
                f"{_yes_no(locked.so_participates)} → {_yes_no(so_participates)}."
            ),
            by=by,
        )
        wanted = {
            Condition.COURT_ENTERS_CARPOS: court_enters_carpos,
            Condition.SO_PARTICIPATES: so_participates,
        }
        items = {
            i.template_item_id: i for i in locked.items.all() if i.template_item_id
        }
        for condition, applies in wanted.items():
            for item in locked.items.filter(condition=condition).order_by("order"):
                if not applies and item.is_open:
                    item_set_status(
                        item=item,
                        status=ChecklistItem.Status.NOT_APPLICABLE,
                        by=by,
                        expected_version=item.version,
                        reason=f"{PROCESSING_MODEL_NA}.",
                        replan=replan,
                    )
                    replan.changes.append(f"{item}: not applicable")
                    if item.is_readiness_gate:
                        replan.gates_made_na.append(str(item))
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
                        replan=replan,
                    )
                    replan.changes.append(f"{item}: reopened")
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
                replan=replan,
            )
            replan.changes.append(f"{copy}: added")
            items[t.pk] = copy
            copy.depends_on.add(
                *[items[d.pk] for d in t.depends_on.all() if d.pk in items]
            )
            for dependent in t.dependents.all():
                if dependent.pk in items:
                    items[dependent.pk].depends_on.add(copy)
        replan.save(update_fields=["changes", "gates_made_na"])
        locked.court_enters_carpos = court_enters_carpos
        locked.so_participates = so_participates
        locked._change_reason = "processing model changed"
        locked._history_user = by
        locked.version += 1
        locked.save(
            update_fields=[
                "court_enters_carpos",
                "so_participates",
                "version",
                "updated_at",
            ]
        )
        # Whether the SO participates decides whose sign-off is needed.
        onboarding_summaries_refresh(onboarding_ids=[locked.pk])
    onboarding.court_enters_carpos = court_enters_carpos
    onboarding.so_participates = so_participates
    onboarding.version = locked.version
    return onboarding

"""New versions of a checklist template. A template's items are copied into each
onboarding at its start, so a new version changes only the onboardings started
from it; running ones keep their items (a re-plan brings plan fields over)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from courts.access import is_ccpor_staff

from ..models import ChecklistTemplate, TemplateItem

# Fields of a template item copied as they are (the template and the key aside).
_COPIED = [
    f.name
    for f in TemplateItem._meta.concrete_fields
    if f.name not in ("id", "template")
]


def template_new_version(
    *, template: ChecklistTemplate, offsets: dict[int, int], by
) -> ChecklistTemplate:
    """A new version of `template` (its name's highest version + 1), active, with
    every item and dependency copied and the offsets of the items numbered in
    `offsets` ({order: days from Go-Live}) changed. The older versions of that
    name become inactive, so new onboardings start from the new one. CCPOR staff
    only."""
    if not is_ccpor_staff(by):
        raise ValidationError("Only the CCPOR Team makes a new template version.")
    with transaction.atomic():
        versions = ChecklistTemplate.objects.select_for_update().filter(
            name=template.name
        )
        newest = versions.aggregate(v=Max("version"))["v"] or template.version
        items = list(template.items.prefetch_related("depends_on"))
        unknown = set(offsets) - {t.order for t in items}
        if unknown:
            raise ValidationError(f"No item numbered {sorted(unknown)} in {template}.")
        versions.update(is_active=False)
        new = ChecklistTemplate.objects.create(
            name=template.name,
            version=newest + 1,
            description=template.description,
            is_active=True,
        )
        copies = {}
        for t in items:
            values = {name: getattr(t, name) for name in _COPIED}
            if t.order in offsets:
                values["offset_days"] = offsets[t.order]
            copies[t.pk] = TemplateItem(template=new, **values)
        TemplateItem.objects.bulk_create(copies.values())
        TemplateItem.depends_on.through.objects.bulk_create(
            TemplateItem.depends_on.through(
                from_templateitem_id=copies[t.pk].pk,
                to_templateitem_id=copies[d.pk].pk,
            )
            for t in items
            for d in t.depends_on.all()
        )
    return new

"""The default template's item that grants the court's people their CCPOR accounts
(23, "Court and user profiles created in staging": the seed's "user and court
profiles and access") is flagged `grants_ccpor_access`, so that it cannot be done
until everyone on the court's roster who needs access is ready; the checklist
items already copied from it follow. Its due date moves from 40 to 34 days before
Go-Live, the day after the train-the-trainer sessions (25, 35 days before) whose
attendance it waits for. Running onboardings keep their dates. Idempotent.
"""

from django.db import migrations

TEMPLATE_NAME = "CCPOR court onboarding"
ACCESS_ITEM = 23
OLD_OFFSET, NEW_OFFSET = -40, -34


def forward(apps, schema_editor):
    TemplateItem = apps.get_model("checklists", "TemplateItem")
    ChecklistItem = apps.get_model("checklists", "ChecklistItem")
    items = TemplateItem.objects.filter(
        template__name=TEMPLATE_NAME, template__version=1, order=ACCESS_ITEM
    )
    ChecklistItem.objects.filter(template_item__in=items).update(
        grants_ccpor_access=True
    )
    items.update(grants_ccpor_access=True)
    items.filter(offset_days=OLD_OFFSET).update(offset_days=NEW_OFFSET)


def backward(apps, schema_editor):
    TemplateItem = apps.get_model("checklists", "TemplateItem")
    items = TemplateItem.objects.filter(
        template__name=TEMPLATE_NAME, template__version=1, order=ACCESS_ITEM
    )
    items.update(grants_ccpor_access=False)
    items.filter(offset_days=NEW_OFFSET).update(offset_days=OLD_OFFSET)


class Migration(migrations.Migration):
    dependencies = [("checklists", "0023_item_grants_ccpor_access")]

    operations = [migrations.RunPython(forward, backward)]

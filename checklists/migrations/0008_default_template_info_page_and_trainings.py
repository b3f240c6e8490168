"""The default template's links to the public CCPOR information page (item 2, "Court
pointed to CCPOR info page and deployment package", is where the guide names it) and
its training items (25, train-the-trainer; 29, end-user training), which can be
scheduled like meetings. Checklist items already copied from them follow. Idempotent.
"""

from django.conf import settings
from django.db import migrations

TEMPLATE_NAME = "CCPOR court onboarding"
INFO_PAGE_ITEMS = (2,)
TRAINING_ITEMS = (25, 29)


def forward(apps, schema_editor):
    TemplateItem = apps.get_model("checklists", "TemplateItem")
    ChecklistItem = apps.get_model("checklists", "ChecklistItem")
    items = TemplateItem.objects.filter(
        template__name=TEMPLATE_NAME, template__version=1
    )
    info = items.filter(order__in=INFO_PAGE_ITEMS, info_url="")
    ChecklistItem.objects.filter(template_item__in=info, info_url="").update(
        info_url=settings.CCPOR_INFO_URL
    )
    info.update(info_url=settings.CCPOR_INFO_URL)
    training = items.filter(order__in=TRAINING_ITEMS)
    ChecklistItem.objects.filter(template_item__in=training).update(is_training=True)
    training.update(is_training=True)


def backward(apps, schema_editor):
    TemplateItem = apps.get_model("checklists", "TemplateItem")
    items = TemplateItem.objects.filter(
        template__name=TEMPLATE_NAME, template__version=1
    )
    items.filter(order__in=INFO_PAGE_ITEMS).update(info_url="")
    items.filter(order__in=TRAINING_ITEMS).update(is_training=False)


class Migration(migrations.Migration):
    dependencies = [("checklists", "0007_item_owner_meeting_info_team_documents")]

    operations = [migrations.RunPython(forward, backward)]

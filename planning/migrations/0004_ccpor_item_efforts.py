"""The CCPOR Team's effort on the default CCPOR template, to start from (staff edit
them in the admin; docs/planning.md lists them): the hours of each item the team
works on, the role that does it, and the weeks the work is spread over, ending
with the week the item is due. Items that are the court's, the sheriff's office's
or DOJ's own work ask nothing of the team, unless the team supports them (CCTC
connectivity, scanners, acceptance testing, end-user training)."""

from decimal import Decimal

from django.db import migrations

TEMPLATE_NAME = "CCPOR court onboarding"
PM, TRAINER, NETWORK = "Project manager", "Trainer", "Network engineer"

# item order: (role, hours, spread weeks)
EFFORTS = {
    1: (PM, 4, 1),  # awareness presentation
    3: (PM, 2, 1),  # participation letter
    5: (PM, 4, 1),  # Court Planning Guide delivered
    7: (PM, 6, 2),  # scoping meeting with the SO
    9: (PM, 12, 2),  # deployment plan
    11: (NETWORK, 4, 1),  # CCTC connectivity requested: the team's request
    14: (NETWORK, 12, 3),  # CCTC connectivity verified end to end
    15: (NETWORK, 6, 2),  # scanners installed and configured
    20: (NETWORK, 8, 2),  # SO secure channel
    22: (TRAINER, 6, 1),  # training plan and schedule
    23: (PM, 8, 2),  # profiles created in staging
    24: (PM, 8, 2),  # Test Plan
    25: (TRAINER, 24, 2),  # train-the-trainer sessions
    26: (PM, 12, 4),  # acceptance testing, weekly status meetings
    28: (PM, 4, 1),  # Go-Live Readiness Checklist
    29: (TRAINER, 8, 1),  # end-user training: the team's support
    31: (PM, 3, 1),  # go/no-go meeting
    32: (NETWORK, 8, 1),  # production accounts activated
    34: (PM, 6, 2),  # post Go-Live check-ins
    35: (PM, 2, 1),  # close-out document
}


def add_efforts(apps, schema_editor):
    TeamRole = apps.get_model("planning", "TeamRole")
    ItemEffort = apps.get_model("planning", "ItemEffort")
    TemplateItem = apps.get_model("checklists", "TemplateItem")
    roles = {
        name: TeamRole.objects.get_or_create(name=name)[0]
        for name in (PM, TRAINER, NETWORK)
    }
    items = TemplateItem.objects.filter(
        template__name=TEMPLATE_NAME, order__in=list(EFFORTS)
    )
    for item in items:
        role, hours, spread = EFFORTS[item.order]
        ItemEffort.objects.get_or_create(
            template_item=item,
            defaults={
                "role": roles[role],
                "hours": Decimal(hours),
                "spread_weeks": spread,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0003_team_members_waves_lead_times"),
        ("checklists", "0022_merged_fields_in_bounds"),
    ]

    operations = [migrations.RunPython(add_efforts, migrations.RunPython.noop)]

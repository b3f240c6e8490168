"""One stored read model: the onboarding summary counts only its onboarding's own
items; the portfolio rows, the tally, the lists of due dates and the figures of the
apps above (readiness, who can be reminded: joined by query now) are dropped, and
every summary is counted again from the items (closed and cancelled onboardings
included)."""

from collections import defaultdict

from django.db import migrations

ACTORS = ("court", "so", "ccpor", "doj")
FINISHED = ("done", "na")


def recount(apps, schema_editor):
    ChecklistItem = apps.get_model("checklists", "ChecklistItem")
    Onboarding = apps.get_model("checklists", "Onboarding")
    OnboardingSummary = apps.get_model("checklists", "OnboardingSummary")
    items = defaultdict(list)
    for onboarding_id, *item in ChecklistItem.objects.order_by().values_list(
        "onboarding_id", "status", "actor", "due_date", "phase__order"
    ):
        items[onboarding_id].append(item)
    summaries = []
    for pk in Onboarding.objects.values_list("pk", flat=True):
        row = {"total": 0, "finished": 0, "blocked": 0}
        row.update({f"open_{a}": 0 for a in ACTORS})
        phases, dues = [], []
        for status, actor, due_date, order in items.get(pk, ()):
            row["total"] += 1
            if status in FINISHED:
                row["finished"] += 1
                continue
            row["blocked"] += status == "blocked"
            row[f"open_{actor}"] += 1
            phases.append(order)
            dues.append(due_date)
        row["phase_order"] = min(phases, default=None)
        row["oldest_open_due"] = min(dues, default=None)
        summaries.append(OnboardingSummary(onboarding_id=pk, **row))
    OnboardingSummary.objects.all().delete()
    OnboardingSummary.objects.bulk_create(summaries, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0015_portfolio_tally"),
    ]

    operations = [
        migrations.DeleteModel(name="PortfolioTally"),
        migrations.DeleteModel(name="PortfolioRow"),
        *(
            migrations.RemoveField(model_name="onboardingsummary", name=name)
            for name in (
                "open_due_court",
                "open_due_so",
                "open_due_ccpor",
                "open_due_doj",
                "gates_total",
                "gates_done",
                "sign_offs_needed",
                "sign_offs_given",
                "sign_offs_asked",
                "live_blockers",
                "go_no_go",
                "reminder_recipients",
            )
        ),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]

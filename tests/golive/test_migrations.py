"""The Go-Live app's migrations on a database that already holds onboardings: one
that had left "active" through the old, unguarded status field gets a transition
saying so; an active one gets none. Incidents already reported get their mail's
outbox row."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.migrating import migrate_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def migrate(*, golive: bool):
    """Migrate every app to its latest migration, golive included or unapplied;
    return the models as they then are."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    others = [node for node in leaves if node[0] != "golive"]
    executor.migrate(leaves if golive else [*others, ("golive", None)])
    executor.loader.build_graph()
    return executor.loader.project_state(leaves if golive else others).apps


def test_existing_onboardings_get_their_status_recorded():
    old = migrate(golive=False)
    try:
        Court = old.get_model("courts", "Court")
        Template = old.get_model("checklists", "ChecklistTemplate")
        Onboarding = old.get_model("checklists", "Onboarding")
        template = Template.objects.get(name="CCPOR court onboarding", version=1)
        changed = timezone.now() - datetime.timedelta(days=10)
        made = {}
        for n, status in enumerate(["active", "live", "closed", "cancelled"]):
            court = Court.objects.create(
                name=f"Old Court {n}", slug=f"old-court-{n}", district=1
            )
            made[status] = Onboarding.objects.create(
                court=court,
                template=template,
                go_live_date=datetime.date(2026, 1, 15),
                court_enters_carpos=True,
                so_participates=True,
                status=status,
                status_changed_at=None if status == "live" else changed,
            )
    finally:
        new = migrate(golive=True)

    Transition = new.get_model("golive", "Transition")
    rows = {t.onboarding_id: t for t in Transition.objects.all()}
    assert made["active"].pk not in rows
    for status in ("live", "closed", "cancelled"):
        row = rows[made[status].pk]
        assert (row.kind, row.from_status, row.to_status, row.by_id) == (
            "recorded",
            "",
            status,
            None,
        )
        assert "the readiness and close-out gates were not checked" in row.reason
    assert rows[made["closed"].pk].at == changed
    # No status_changed_at on record: the onboarding's last update stands in.
    assert rows[made["live"].pk].at == made["live"].updated_at
    # The statuses themselves are not touched.
    assert set(
        new.get_model("checklists", "Onboarding")
        .objects.filter(court__slug__startswith="old-court")
        .values_list("status", flat=True)
    ) == {"active", "live", "closed", "cancelled"}


def test_each_incident_gets_its_mail_row_from_notified_at():
    """An incident whose mail was sent is recorded as sent then; one whose mail never
    went is recorded as skipped (never mailed now by the backstop)."""
    old = migrate_to([("golive", "0004_summaries_backfill")])
    try:
        Court = old.get_model("courts", "Court")
        Template = old.get_model("checklists", "ChecklistTemplate")
        Onboarding = old.get_model("checklists", "Onboarding")
        Incident = old.get_model("golive", "Incident")
        court = Court.objects.create(name="Old Court", slug="old-court", district=1)
        onboarding = Onboarding.objects.create(
            court=court,
            template=Template.objects.get(name="CCPOR court onboarding", version=1),
            go_live_date=datetime.date(2026, 1, 15),
            court_enters_carpos=True,
            so_participates=True,
            status="live",
        )
        reported = timezone.now() - datetime.timedelta(days=30)
        notified = reported + datetime.timedelta(seconds=3)
        common = {
            "onboarding": onboarding,
            "description": "Timeouts.",
            "severity": "P2",
            "category": "connectivity",
            "reported_at": reported,
            "respond_by": reported + datetime.timedelta(hours=4),
        }
        mailed = Incident.objects.create(title="Mailed", notified_at=notified, **common)
        unmailed = Incident.objects.create(title="Never mailed", **common)
    finally:
        new = migrate_to(None)

    IncidentMail = new.get_model("golive", "IncidentMail")
    rows = {row.incident_id: row for row in IncidentMail.objects.all()}
    sent, skipped = rows[mailed.pk], rows[unmailed.pk]
    assert (sent.status, sent.attempts, sent.sent_at) == ("sent", 1, notified)
    assert sent.created_at == reported
    assert (skipped.status, skipped.sent_at) == ("skipped", None)
    assert skipped.error.startswith("Reported before incident mail had an outbox")
    assert "notified_at" not in {
        f.name for f in new.get_model("golive", "Incident")._meta.fields
    }

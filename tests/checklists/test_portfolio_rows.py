"""The portfolio's one row per court (`PortfolioRow`) is rewritten in the transaction of
every change to what it copies, on every path (services, the Go-Live transitions,
the admin, a court's own save, a deletion): after each, it equals what the court,
its onboardings and the open one's summary say, read here independently."""

import datetime
import importlib

import pytest
from django.db import transaction
from django.urls import reverse

from checklists import services
from checklists.models import (
    ACTOR_ORDER,
    Onboarding,
    OnboardingSummary,
    PortfolioRow,
)
from courts.models import Court
from golive import services as golive
from tests.conftest import TODAY
from tests.factories import CourtFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SUMMARY_FIELDS = (
    "total",
    "finished",
    "blocked",
    *(f"open_{actor}" for actor in ACTOR_ORDER),
    "phase_order",
    "oldest_open_due",
    *(f"open_due_{actor}" for actor in ACTOR_ORDER),
    "reminder_recipients",
)
# Without an open onboarding.
NO_SUMMARY = {
    "phase_order": None,
    "oldest_open_due": None,
    **{f"open_due_{actor}": [] for actor in ACTOR_ORDER},
}


def expected(court: Court) -> dict:
    """What the court's row should hold, from the sources themselves."""
    court.refresh_from_db()
    onboardings = list(Onboarding.objects.filter(court=court))
    current = [o for o in onboardings if o.status in Onboarding.OPEN_STATUSES]
    assert len(current) <= 1
    statuses = {o.status for o in onboardings}
    if current:
        ob_status = current[0].status
    elif "closed" in statuses:
        ob_status = "closed"
    elif "cancelled" in statuses:
        ob_status = "cancelled"
    else:
        ob_status = None
    summary = (
        OnboardingSummary.objects.filter(onboarding=current[0]).first()
        if current
        else None
    )
    return {
        "name": court.name,
        "slug": court.slug,
        "county": court.county,
        "court_type": court.court_type,
        "district": court.district,
        "is_active": court.is_active,
        "search": f"{court.name}\n{court.county}".lower(),
        "ob_id": current[0].pk if current else None,
        "ob_status": ob_status,
        "stage": PortfolioRow.STAGE_OF[ob_status],
        "go_live": current[0].go_live_date if current else None,
        **{
            name: getattr(summary, name) if summary else NO_SUMMARY.get(name, 0)
            for name in SUMMARY_FIELDS
        },
    }


def assert_current(court: Court) -> None:
    row = PortfolioRow.objects.get(court=court)
    want = expected(court)
    assert {name: getattr(row, name) for name in want} == want
    # The tally of the rows' facts moved with the row (counted afresh: no change).
    assert services.portfolio_tally_rebuild(repair=False) == {}


def test_a_new_court_has_a_row_of_a_court_not_started():
    court = CourtFactory(name="Fresh", county="Fresh")
    assert_current(court)
    assert PortfolioRow.objects.get(court=court).ob_status is None


def test_the_migration_writes_every_courts_row(start, court, staff_user):
    """The migrations that made the table wrote a row for each court there was (the
    58 of a data migration, where no signal is sent), by the same rules."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    cancelled = start(CourtFactory(name="Cancelled", county="Far"), go_live_in=100)
    golive.onboarding_cancel(onboarding=cancelled, by=staff_user, reason="Paused")
    start(court, go_live_in=120)
    PortfolioRow.objects.all().delete()
    loader = MigrationExecutor(connection).loader
    for name in ("0012_portfolio_row", "0013_portfolio_row_stage"):
        migration = importlib.import_module(f"checklists.migrations.{name}")
        state = loader.project_state(("checklists", name), at_end=True)
        migration.backfill(state.apps, None)
    assert PortfolioRow.objects.count() == Court.objects.count() >= 58
    for each in [court, cancelled.court, *Court.objects.all()[:3]]:
        assert_current(each)
    assert PortfolioRow.objects.get(court=cancelled.court).ob_status == "cancelled"


def test_every_write_to_the_items_rewrites_it(start, court, staff_user):
    onboarding = start(court, go_live_in=120)
    assert_current(court)
    first = onboarding.items.get(order=1)
    services.item_set_status(
        item=first,
        status="blocked",
        by=staff_user,
        expected_version=first.version,
        reason="Waiting",
    )
    row = PortfolioRow.objects.get(court=court)
    assert row.blocked == 1
    assert_current(court)
    first.refresh_from_db()
    services.item_set_status(
        item=first, status="done", by=staff_user, expected_version=first.version
    )
    assert PortfolioRow.objects.get(court=court).finished == 1
    assert_current(court)


def test_a_reschedule_moves_its_go_live_and_due_dates(start, court, staff_user):
    onboarding = start(court, go_live_in=120)
    services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=TODAY + datetime.timedelta(days=150),
        reason="Court asked",
        by=staff_user,
        today=TODAY,
    )
    row = PortfolioRow.objects.get(court=court)
    assert row.go_live == TODAY + datetime.timedelta(days=150)
    assert_current(court)


def test_each_go_live_transition_rewrites_where_the_court_stands(
    start, court, staff_user
):
    first = start(court, go_live_in=120)
    golive.onboarding_cancel(onboarding=first, by=staff_user, reason="Paused")
    row = PortfolioRow.objects.get(court=court)
    assert (row.ob_status, row.stage, row.ob_id, row.go_live, row.total) == (
        "cancelled",
        PortfolioRow.Stage.CANCELLED,
        None,
        None,
        0,
    )
    assert_current(court)
    golive.onboarding_reopen(onboarding=first, by=staff_user, reason="Resumed")
    assert PortfolioRow.objects.get(court=court).ob_status == "active"
    assert_current(court)


def test_people_who_can_be_reminded_are_counted(start, court):
    start(court, go_live_in=120)
    before = PortfolioRow.objects.get(court=court).reminder_recipients
    MembershipFactory(court=court, user__email="new.lead@example.org")
    assert PortfolioRow.objects.get(court=court).reminder_recipients == before + 1
    assert_current(court)


def test_a_court_saved_anywhere_rewrites_its_row(start, court):
    start(court, go_live_in=120)
    court.name, court.county, court.district = "Renamed Court", "Elsewhere", 4
    court.save()
    row = PortfolioRow.objects.get(court=court)
    assert (row.name, row.district, row.search) == (
        "Renamed Court",
        4,
        "renamed court\nelsewhere",
    )
    court.is_active = False
    court.save(update_fields=["is_active"])
    assert PortfolioRow.objects.get(court=court).is_active is False
    assert_current(court)


def test_the_admin_path_rewrites_it_too(admin_client, start, court):
    start(court, go_live_in=120)
    response = admin_client.post(
        reverse("admin:courts_court_change", args=[court.pk]),
        {
            "name": "Admin Renamed",
            "slug": court.slug,
            "county": court.county,
            "court_type": court.court_type,
            "district": court.district,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert PortfolioRow.objects.get(court=court).name == "Admin Renamed"
    assert_current(court)


def test_deleting_an_onboarding_rewrites_its_court(court, start, staff_user):
    onboarding = start(court, go_live_in=120)
    with transaction.atomic():
        onboarding.items.all().delete()
        onboarding.delete()
    row = PortfolioRow.objects.get(court=court)
    assert (row.ob_id, row.ob_status, row.total) == (None, None, 0)
    assert_current(court)


def test_a_failed_write_leaves_the_row_as_it_was(start, court, staff_user):
    """Written in the same transaction: a rolled-back change leaves no trace."""
    onboarding = start(court, go_live_in=120)
    before = expected(court)
    with pytest.raises(RuntimeError), transaction.atomic():
        first = onboarding.items.get(order=1)
        services.item_set_status(
            item=first, status="done", by=staff_user, expected_version=first.version
        )
        assert PortfolioRow.objects.get(court=court).finished == 1
        raise RuntimeError("boom")
    row = PortfolioRow.objects.get(court=court)
    assert {name: getattr(row, name) for name in before} == before


def test_a_court_deleted_takes_its_row_with_it(admin_client):
    """In the admin too, where nobody may delete a portfolio row on its own."""
    doomed = [CourtFactory(name=f"Doomed {n}") for n in range(2)]
    assert PortfolioRow.objects.filter(court__in=doomed).count() == 2
    response = admin_client.post(
        reverse("admin:courts_court_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [c.pk for c in doomed],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Court.objects.filter(pk__in=[c.pk for c in doomed]).exists()
    assert not PortfolioRow.objects.filter(court_id__in=[c.pk for c in doomed]).exists()
    # Their facts left the tally with them.
    assert services.portfolio_tally_rebuild(repair=False) == {}


def test_a_save_of_fields_the_row_does_not_copy_does_not_rewrite_it(
    start, court, django_assert_num_queries
):
    """Only what a row copies sends it to be rewritten: a save of other fields is
    its own UPDATE (and history record) and nothing more (a version bump)."""
    onboarding = start(court, go_live_in=120)
    with django_assert_num_queries(1):
        court.save(update_fields=["updated_at"])
    with django_assert_num_queries(2):  # its UPDATE and its history record
        onboarding.save(update_fields=["version"])
    # A save of a copied field rewrites the row (the refresh locks the row as it
    # is, reads its sources and writes it; the tally's counts do not change).
    with django_assert_num_queries(6):
        court.save(update_fields=["name"])

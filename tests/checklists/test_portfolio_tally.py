"""The tally of the portfolio rows' facts (`PortfolioTally`), from which the dashboard
sums its summary tiles: each tile equals the filter of the same name counted over
the rows, on any day (month and year ends included); the tally moves with every
write in the same transaction (checked after every path in test_portfolio_rows.py);
drift is found and repaired; the migrations that made it and reordered the row's
columns keep every row."""

import datetime
import importlib
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from checklists import services
from checklists.models import PortfolioRow, PortfolioTally
from courts.models import Court
from dashboard.selectors import (
    BLOCKING_ACTORS,
    ONBOARDING,
    SOON,
    PortfolioStatus,
    go_live_window_q,
    no_one_to_remind_q,
    overdue_of,
    portfolio_base,
    portfolio_summary,
)
from golive.selectors import in_readiness_window_q
from tests.conftest import TODAY
from tests.dashboard.test_dashboard import build_portfolio
from tests.factories import CourtFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def counted_over_the_rows(today: datetime.date) -> dict:
    """Each figure of the summary, as its filter counts it over the rows."""
    rows = portfolio_base()
    return {
        "total": rows.count(),
        "live": rows.filter(PortfolioStatus.q(PortfolioStatus.LIVE)).count(),
        "onboarding": rows.filter(
            PortfolioStatus.q(PortfolioStatus.ONBOARDING)
        ).count(),
        "go_lives_soon": rows.filter(go_live_window_q(SOON, today=today)).count(),
        "no_one_to_remind": rows.filter(no_one_to_remind_q()).count(),
        "readiness_window": rows.filter(
            in_readiness_window_q(today=today, go_live="go_live", active=ONBOARDING)
        ).count(),
        "overdue_by_actor": {
            actor: rows.aggregate(n=Coalesce(Sum(overdue_of(actor, today=today)), 0))[
                "n"
            ]
            for actor in BLOCKING_ACTORS
        },
    }


def summed_from_the_tally(today: datetime.date) -> dict:
    summary = portfolio_summary(today=today)
    return {name: getattr(summary, name) for name in counted_over_the_rows(TODAY)}


DAYS = [
    TODAY,
    # The first and last of a month, a year's end and a leap day: where the sums
    # switch from months to days.
    datetime.date(2027, 1, 1),
    datetime.date(2026, 12, 31),
    datetime.date(2027, 2, 28),
    datetime.date(2028, 2, 29),
    TODAY + datetime.timedelta(days=45),
    TODAY - datetime.timedelta(days=70),
]


def test_every_tile_is_its_filter_counted_over_the_rows(default_template, start):
    build_portfolio(120, template=default_template)
    # Reachable by reminders, and an inactive court with an onboarding.
    reachable = start(CourtFactory(name="Reachable"), go_live_in=12)
    MembershipFactory(court=reachable.court, user__email="lead@example.org")
    gone = start(CourtFactory(name="Gone"), go_live_in=40)
    gone.court.is_active = False
    gone.court.save()
    for day in DAYS:
        want = counted_over_the_rows(day)
        assert summed_from_the_tally(day) == want, day
    # Not all zeros: the sums are tested on something.
    figures = counted_over_the_rows(TODAY)
    assert figures["live"] and figures["onboarding"] and figures["go_lives_soon"]
    assert figures["readiness_window"] and figures["no_one_to_remind"]
    assert all(figures["overdue_by_actor"][a] for a in ("court", "so", "ccpor"))


def test_the_summary_reads_a_few_tally_rows_not_the_courts(
    default_template, django_assert_num_queries
):
    build_portfolio(200, template=default_template)
    with django_assert_num_queries(1):
        summary = portfolio_summary(today=TODAY)
    assert summary.total == 200
    # Fewer rows than courts are read at all: the tally, by fact and day.
    assert PortfolioTally.objects.count() < 3 * 200


def test_drift_is_found_and_repaired(start, court, staff_user):
    start(court, go_live_in=20)
    assert services.portfolio_tally_rebuild(repair=False) == {}
    right = summed_from_the_tally(TODAY)
    # Something wrote to the tally behind the services' back.
    PortfolioTally.objects.filter(fact="stage:1").update(n=999)
    PortfolioTally.objects.filter(fact__startswith="due:").delete()
    assert summed_from_the_tally(TODAY) != right

    wrong = services.portfolio_tally_rebuild(repair=False)
    assert ("stage:1", datetime.date(1, 1, 1)) in wrong
    assert any(fact.startswith("due:") for fact, _ in wrong)
    assert summed_from_the_tally(TODAY) != right  # a check repairs nothing

    assert services.portfolio_tally_rebuild() == wrong
    assert summed_from_the_tally(TODAY) == right == counted_over_the_rows(TODAY)
    assert services.portfolio_tally_rebuild(repair=False) == {}


def test_the_command_checks_and_repairs(start, court, capsys):
    start(court, go_live_in=20)
    call_command("portfolio_tally", "--check")
    assert "The portfolio tally is right" in capsys.readouterr().out
    PortfolioTally.objects.filter(fact="stage:1").update(n=7)
    with pytest.raises(SystemExit) as failed:
        call_command("portfolio_tally", "--check")
    assert failed.value.code == 1
    assert "stage:1" in capsys.readouterr().err
    assert PortfolioTally.objects.get(fact="stage:1").n == 7  # checked, not repaired
    call_command("portfolio_tally")
    assert "Repaired" in capsys.readouterr().out
    assert services.portfolio_tally_rebuild(repair=False) == {}


def test_a_rolled_back_write_leaves_the_tally_as_it_was(start, court, staff_user):
    onboarding = start(court, go_live_in=20)
    before = list(PortfolioTally.objects.values_list("fact", "day", "n").order_by("pk"))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.onboarding_reschedule(
            onboarding=onboarding,
            go_live_date=TODAY + datetime.timedelta(days=200),
            reason="Court asked",
            by=staff_user,
            today=TODAY,
        )
        assert services.portfolio_tally_rebuild(repair=False) == {}
        assert before != list(
            PortfolioTally.objects.values_list("fact", "day", "n").order_by("pk")
        )
        raise RuntimeError("boom")
    assert before == list(
        PortfolioTally.objects.values_list("fact", "day", "n").order_by("pk")
    )


def test_the_migrations_keep_every_row_and_count_them(start, court, staff_user):
    """0014 made the row's table again with its columns in the readers' order, every
    row kept; 0015 counted the tally of the rows there were."""
    from django.db.migrations.executor import MigrationExecutor

    start(court, go_live_in=30)
    loader = MigrationExecutor(connection).loader
    reorder = importlib.import_module(
        "checklists.migrations.0014_portfolio_row_column_order"
    )
    with connection.cursor() as cursor:
        columns = [
            column.name
            for column in connection.introspection.get_table_description(
                cursor, PortfolioRow._meta.db_table
            )
        ]
    fields = {f.name: f.column for f in PortfolioRow._meta.concrete_fields}
    assert columns == [fields[name] for name in reorder.COLUMN_ORDER]

    rows = list(PortfolioRow.objects.order_by("pk").values())
    state = loader.project_state(
        ("checklists", "0014_portfolio_row_column_order"), at_end=True
    )
    with connection.schema_editor(atomic=False) as editor:
        reorder.remake(state.apps, editor)
    assert list(PortfolioRow.objects.order_by("pk").values()) == rows

    counted = importlib.import_module("checklists.migrations.0015_portfolio_tally")
    PortfolioTally.objects.all().delete()
    state = loader.project_state(("checklists", "0015_portfolio_tally"), at_end=True)
    counted.backfill(state.apps, None)
    assert services.portfolio_tally_rebuild(repair=False) == {}
    assert summed_from_the_tally(TODAY) == counted_over_the_rows(TODAY)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writes_at_once_to_the_same_courts_keep_the_tally_right(
    default_template, staff_user
):
    """Two transactions rewriting the same courts' rows at once: the second waits
    for the first's lock on the rows, then starts from its rows, so neither's
    change to the tally is lost or counted twice."""
    courts = [CourtFactory(name=f"Busy {n}") for n in range(4)]
    for n, court in enumerate(courts):
        services.onboarding_start(
            court=court,
            go_live_date=TODAY + datetime.timedelta(days=40 + n),
            court_enters_carpos=True,
            so_participates=True,
            started_by=staff_user,
            today=TODAY,
        )
    ids = [c.pk for c in courts]
    inside = threading.Barrier(2)
    errors = []

    def deactivate_then_refresh(first: bool):
        try:
            with transaction.atomic():
                if first:
                    Court.objects.filter(pk__in=ids).update(is_active=False)
                    services.portfolio_rows_refresh(court_ids=ids)
                    inside.wait(timeout=10)
                    # Hold the rows' locks while the other tries.
                    threading.Event().wait(0.5)
                else:
                    inside.wait(timeout=10)
                    services.portfolio_rows_refresh(court_ids=ids)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=deactivate_then_refresh, args=(first,))
        for first in (True, False)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert services.portfolio_tally_rebuild(repair=False) == {}
    assert not PortfolioRow.objects.filter(court_id__in=ids, is_active=True).exists()
    assert summed_from_the_tally(TODAY) == counted_over_the_rows(TODAY)

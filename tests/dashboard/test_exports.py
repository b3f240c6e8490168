"""CSV exports of the portfolio (as filtered and sorted) and of every item."""

import csv
import io
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse

from checklists import services
from checklists.models import ChecklistItem
from courts.models import Court
from tests.conftest import TODAY
from tests.dashboard import test_dashboard
from tests.dashboard.test_dashboard import build_portfolio, pin_today, set_items
from tests.factories import CourtFactory

pytestmark = pytest.mark.django_db

PORTFOLIO_URL = reverse("dashboard:export_portfolio")
ITEMS_URL = reverse("dashboard:export_items")

# The courts in known states that the dashboard tests use.
portfolio = test_dashboard.portfolio


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    pin_today(monkeypatch, TODAY)


def read_csv(response) -> list[dict]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_portfolio_csv_has_a_line_per_court_with_the_tables_values(
    client, staff_user, portfolio
):
    client.force_login(staff_user)
    response = client.get(PORTFOLIO_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="ccpor-portfolio-2026-03-04.csv"'
    )
    rows = read_csv(response)
    assert len(rows) == 58 + 7
    # In the table's default order (attention), the courts never started included.
    table = client.get("/dashboard/?not_started=show").context["page"]
    assert [r["Slug"] for r in rows][:50] == [row["slug"] for row in table]
    by_name = read_csv(client.get(PORTFOLIO_URL + "?sort=court"))
    assert [r["Court"] for r in by_name] == sorted(r["Court"] for r in rows)
    stuck = next(r for r in rows if r["Slug"] == "stuck")
    assert stuck == {
        "Court": "Stuck",
        "Slug": "stuck",
        "Type": "Superior court",
        "District": "4",
        "County": stuck["County"],
        "Status": "Onboarding",
        "Phase": "Scope",
        "Progress %": "11",
        "Items finished": "4",
        "Items applicable": "36",
        "Go-Live": "2026-07-17",
        "Went live": "",
        "Slip (days)": "0",
        "Days to go": "135",
        "Next mark": "60-day",
        "Next mark date": "2026-05-18",
        "Overdue": "0",
        "Blocked": "1",
        "Health": "At risk",
        # No forecast made yet (tests/planning/test_dashboard.py has them).
        "Forecast P50": "",
        "Forecast P85": "",
        "Slipping (forecast)": "",
        # Nobody on its roster (tests/dashboard/test_roster_column.py has some).
        "Roster ready": "0",
        "Roster total": "0",
        "Roster expired": "0",
        "Open: Court": "16",
        "Open: Sheriff's Office": "3",
        "Open: CCPOR Team": "12",
        "Open: DOJ": "1",
        "Court page": "https://ccpor-onboard.test/courts/stuck/",
    }
    # A court never started has a status and no figures at all; a cancelled one
    # counts its onboarding's items (nothing finished) and nothing else.
    figures = [
        "Phase",
        "Progress %",
        "Items finished",
        "Items applicable",
        "Go-Live",
        "Days to go",
        "Next mark",
        "Next mark date",
        "Overdue",
        "Blocked",
        "Health",
        *(column for column in stuck if column.startswith("Open: ")),
    ]
    counted = {"Progress %": "0", "Items finished": "0", "Items applicable": "36"}
    for slug, status, shown in [
        ("alameda", "Not started", {}),
        ("dropped", "Cancelled", counted),
    ]:
        row = next(r for r in rows if r["Slug"] == slug)
        assert row["Status"] == status
        assert {column: row[column] for column in figures} == {
            **dict.fromkeys(figures, ""),
            **shown,
        }, slug
    golden = next(r for r in rows if r["Slug"] == "golden")
    assert (golden["Status"], golden["Phase"], golden["Progress %"]) == (
        "Live",
        "All items finished",
        "100",
    )


def test_portfolio_csv_honours_the_filters_and_the_sort(client, staff_user, portfolio):
    client.force_login(staff_user)
    rows = read_csv(client.get(PORTFOLIO_URL + "?status=onboarding&sort=-overdue"))
    assert [r["Slug"] for r in rows][:2] == ["behind", "slipping"]
    assert {r["Slug"] for r in rows} == {"calm", "slipping", "behind", "stuck", "river"}
    overdue = [int(r["Overdue"]) for r in rows]
    assert overdue == sorted(overdue, reverse=True)
    rows = read_csv(client.get(PORTFOLIO_URL + "?health=late"))
    assert [(r["Slug"], r["Health"]) for r in rows] == [("behind", "Late")]
    # The dashboard's download link carries the filters in force.
    page = client.get(reverse("dashboard:index") + "?health=late&sort=-overdue&page=1")
    assert f'href="{PORTFOLIO_URL}?health=late&amp;sort=-overdue"' in (
        page.content.decode()
    )


def test_items_csv_has_every_item_of_every_onboarding(client, staff_user, portfolio):
    client.force_login(staff_user)
    response = client.get(ITEMS_URL)
    assert response["Content-Disposition"] == (
        'attachment; filename="ccpor-items-2026-03-04.csv"'
    )
    rows = read_csv(response)
    assert len(rows) == ChecklistItem.objects.count() > 0
    behind = [r for r in rows if r["Slug"] == "behind"]
    assert [int(r["#"]) for r in behind] == sorted(int(r["#"]) for r in behind)
    first = behind[0]
    assert first["Item"] == "Awareness presentation at court forums"
    assert (first["Actor"], first["Status"], first["Due"]) == (
        "CCPOR Team",
        "Not started",
        "2026-02-02",
    )
    assert first["Days overdue"] == "30"
    assert first["Onboarding status"] == "Active"
    dropped = [r for r in rows if r["Slug"] == "dropped"]
    assert dropped and {r["Onboarding status"] for r in dropped} == {"Cancelled"}
    done = next(r for r in rows if r["Slug"] == "golden")
    assert done["Status"] == "Done" and done["Days overdue"] == ""


def test_items_csv_says_when_an_item_was_finished_and_which_flags_it_carries(
    client, staff_user, start, court, other_court
):
    onboarding = start(court, go_live_in=100)
    item = onboarding.items.get(order=1)
    item = services.item_set_status(
        item=item, status="done", by=staff_user, expected_version=item.version
    )
    start(other_court, go_live_in=100)
    Court.objects.filter(pk=other_court.pk).update(is_active=False)
    client.force_login(staff_user)

    rows = read_csv(client.get(ITEMS_URL))

    assert {r["Slug"] for r in rows} == {court.slug}  # not the inactive court's
    by_order = {int(r["#"]): r for r in rows}
    pacific = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    assert by_order[1]["Completed at (Pacific)"] == (
        item.completed_at.astimezone(pacific).strftime("%Y-%m-%d %H:%M")
    )
    assert by_order[2]["Completed at (Pacific)"] == ""
    for i in onboarding.items.all():
        flags = (
            by_order[i.order]["CCPOR internal"],
            by_order[i.order]["Evidence required"],
        )
        assert flags == (
            "yes" if i.internal_only else "no",
            "yes" if i.evidence_required else "no",
        ), i.order
    assert {r["CCPOR internal"] for r in rows} == {"yes", "no"}
    assert {r["Evidence required"] for r in rows} == {"yes", "no"}


def test_exports_neutralise_text_a_spreadsheet_would_run(client, staff_user, start):
    court = CourtFactory(name="=HYPERLINK(1)", slug="formula")
    onboarding = start(court, go_live_in=100)
    set_items(onboarding, [1], note="@SUM(A1:A9)", status="in_progress")
    client.force_login(staff_user)
    [row] = read_csv(client.get(PORTFOLIO_URL + "?q=hyperlink"))
    assert row["Court"] == "'=HYPERLINK(1)"
    assert row["Days to go"] == "100"
    rows = read_csv(client.get(ITEMS_URL))
    assert next(r for r in rows if r["Slug"] == "formula")["Note"] == "'@SUM(A1:A9)"


@pytest.mark.parametrize("total_courts", [58, 300])
def test_export_queries_do_not_grow_with_the_courts(
    client, staff_user, default_template, django_assert_num_queries, total_courts
):
    build_portfolio(total_courts, template=default_template)
    client.force_login(staff_user)
    # The response streams: the rows are read while its content is consumed.
    # 1 session, 2 user, 3 CCPOR Team group check, 4 phases, 5 the courts (one
    # server-side cursor, read in chunks).
    with django_assert_num_queries(5):
        rows = read_csv(client.get(PORTFOLIO_URL + "?sort=-overdue"))
    assert len(rows) == total_courts
    # 1 session, 2 user, 3 group check, 4 the items with their courts and phases.
    with django_assert_num_queries(4):
        rows = read_csv(client.get(ITEMS_URL))
    assert len(rows) == ChecklistItem.objects.count()


@pytest.mark.parametrize("url", [PORTFOLIO_URL, ITEMS_URL])
def test_members_and_strangers_get_no_export(client, url, court_lead, court):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(court_lead)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == court.get_absolute_url()


def test_items_csv_writes_pacific_times_to_the_minute(client, staff_user, start):
    """Spreadsheets sort "2026-03-04 09:15"; not UTC with microseconds."""
    import datetime

    from django.utils import timezone

    onboarding = start(CourtFactory(name="Timed", slug="timed"))
    item = onboarding.items.get(order=1)
    # 17:15:42.123456 UTC on March 4th is 09:15 in California (PST, UTC-8).
    moment = datetime.datetime(2026, 3, 4, 17, 15, 42, 123456, tzinfo=datetime.UTC)
    ChecklistItem.objects.filter(pk=item.pk).update(status="done", completed_at=moment)
    client.force_login(staff_user)
    rows = read_csv(client.get(ITEMS_URL))
    row = next(r for r in rows if r["Court"] == "Timed" and r["#"] == "1")
    assert row["Completed at (Pacific)"] == "2026-03-04 09:15"
    assert timezone.get_current_timezone_name() == "America/Los_Angeles"


def test_percent_in_sql_rounds_as_the_pages_do(start, court):
    """The CSV's progress (`PercentSQL`) is `Progress.percent`: halves to even."""
    from django.db.models import F

    from checklists.models import OnboardingSummary
    from checklists.selectors import PercentSQL, Progress

    summary = start(court).summary
    for finished, total in [(1, 8), (3, 8), (5, 8), (7, 8), (1, 3), (2, 3), (0, 0)]:
        OnboardingSummary.objects.filter(pk=summary.pk).update(
            finished=finished, total=total
        )
        percent = (
            OnboardingSummary.objects.filter(pk=summary.pk)
            .annotate(p=PercentSQL(F("finished"), F("total")))
            .get()
            .p
        )
        assert percent == Progress(finished=finished, total=total).percent


def test_exports_quote_what_csv_must_quote(client, staff_user, start):
    name = 'Court of "Quotes", Commas\nand Lines'
    onboarding = start(CourtFactory(name=name, slug="quoted"), go_live_in=100)
    set_items(onboarding, [1], note='-1, "minus one"')
    client.force_login(staff_user)
    [row] = read_csv(client.get(PORTFOLIO_URL + "?q=quotes"))
    assert row["Court"] == name
    item = next(r for r in read_csv(client.get(ITEMS_URL)) if r["Slug"] == "quoted")
    assert (item["Court"], item["Note"]) == (name, '\'-1, "minus one"')

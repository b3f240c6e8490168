"""The forecast where the CCPOR Team reads it: the dashboard (column, filter, sort),
the portfolio CSV, the onboardings API and GET /api/forecast/."""

import csv
import datetime
import io

import pytest

from planning.models import Forecast
from planning.services import forecasts_refresh
from tests.factories import CourtFactory, MembershipFactory

from .history import backdate_start, finish_late

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 11, 1)


@pytest.fixture
def two_courts(start, staff_user, today, frozen_today):
    """ "Slow" finishes every item 10 days late (slipping); "steady" is on time."""
    slow = start(CourtFactory(name="Slow", slug="slow"), go_live_in=90)
    steady = start(CourtFactory(name="Steady", slug="steady"), go_live_in=90)
    for onboarding, late in ((slow, 10), (steady, 0)):
        backdate_start(onboarding, on=START)
        finish_late(onboarding, late=late, by=staff_user, until=today)
    forecasts_refresh(today=today)
    return slow, steady


def test_dashboard_filters_by_slipping_forecast(client, staff_user, two_courts):
    client.force_login(staff_user)
    rows = client.get("/dashboard/", {"forecast": "slipping"}).context["rows"]
    assert [row.court.slug for row in rows] == ["slow"]
    assert rows[0].forecast.slipping


def test_dashboard_sorts_by_forecast_most_slipping_first(
    client, staff_user, two_courts
):
    client.force_login(staff_user)
    response = client.get("/dashboard/", {"sort": "-forecast"})
    slugs = [row.court.slug for row in response.context["rows"]]
    assert slugs.index("slow") < slugs.index("steady")
    page = response.content.decode()
    assert "Slipping (forecast)" in page
    assert "likely Jun 12<br>85 % by Jun 12" in page


def test_the_go_live_moved_filter_keeps_its_meaning(client, staff_user, two_courts):
    # "slip" is "Go-Live moved later than first planned": neither court moved.
    client.force_login(staff_user)
    assert list(client.get("/dashboard/", {"slip": "later"}).context["rows"]) == []


def test_portfolio_csv_carries_the_forecast(client, staff_user, two_courts):
    client.force_login(staff_user)
    response = client.get("/dashboard/export/portfolio.csv")
    text = b"".join(response.streaming_content).decode("utf-8")[1:]
    rows = {r["Slug"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["slow"]["Forecast P50"] == "2026-06-12"
    assert rows["slow"]["Slipping (forecast)"] == "yes"
    assert rows["steady"]["Forecast P85"] == "2026-06-02"
    assert rows["steady"]["Slipping (forecast)"] == "no"


def test_onboardings_api_carries_the_forecast(client, staff_user, two_courts):
    client.force_login(staff_user)
    results = client.get("/api/onboardings/").json()["results"]
    by_slug = {r["court"]["slug"]: r["forecast"] for r in results}
    assert by_slug["slow"] == {
        "as_of": "2026-03-04",
        "target_go_live": "2026-06-02",
        "p50": "2026-06-12",
        "p85": "2026-06-12",
        "slipping": True,
    }
    assert by_slug["steady"]["slipping"] is False


def test_forecast_api_lists_every_court_and_the_statewide_dates(
    client, staff_user, two_courts, start
):
    unforecast = start(CourtFactory(name="New", slug="new"), go_live_in=200)
    client.force_login(staff_user)

    body = client.get("/api/forecast/").json()

    assert body["courts"] == [
        {
            "slug": "new",
            "target_go_live": unforecast.go_live_date.isoformat(),
            "forecast_p50": None,
            "forecast_p85": None,
            "slipping": None,
            "as_of": None,
        },
        {
            "slug": "slow",
            "target_go_live": "2026-06-02",
            "forecast_p50": "2026-06-12",
            "forecast_p85": "2026-06-12",
            "slipping": True,
            "as_of": "2026-03-04",
        },
        {
            "slug": "steady",
            "target_go_live": "2026-06-02",
            "forecast_p50": "2026-06-02",
            "forecast_p85": "2026-06-02",
            "slipping": False,
            "as_of": "2026-03-04",
        },
    ]
    assert body["statewide"] == {
        "all_live_p50": "2026-06-12",
        "all_live_p85": "2026-06-12",
        "as_of": "2026-03-04",
    }


def test_forecast_api_is_for_ccpor_staff_only(client, court):
    assert client.get("/api/forecast/").status_code == 401
    member = MembershipFactory(court=court).user
    client.force_login(member)
    assert client.get("/api/forecast/").status_code == 403


def test_forecast_api_query_count_is_flat(
    client, staff_user, two_courts, start, django_assert_num_queries
):
    for n in range(5):
        start(CourtFactory(slug=f"more-{n}"), go_live_in=200)
    forecasts_refresh(today=datetime.date(2026, 3, 4))
    assert Forecast.objects.count() == 7
    client.force_login(staff_user)
    # 1 session, 2 user, 3 is the user CCPOR staff, 4 the statewide forecast, 5 the
    # onboardings with their forecasts.
    with django_assert_num_queries(5):
        client.get("/api/forecast/")

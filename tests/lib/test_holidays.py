"""California's judicial holidays: the table, observed days, and the two places that
use it (the Go-Live warning, the incident response clock)."""

import datetime

import pytest
from django.urls import reverse

from ccpor_onboard.lib.holidays import (
    court_closed_reason,
    judicial_holiday,
    judicial_holidays,
)
from golive.models import BUSINESS_HOURS, Incident
from tests.conftest import TODAY
from tests.factories import days

D = datetime.date


def test_the_2026_table():
    assert judicial_holidays(2026) == {
        D(2026, 1, 1): "New Year's Day",
        D(2026, 1, 19): "Martin Luther King Jr. Day",
        D(2026, 2, 12): "Lincoln Day",
        D(2026, 2, 16): "Presidents' Day",
        D(2026, 3, 31): "Cesar Chavez Day",
        D(2026, 5, 25): "Memorial Day",
        D(2026, 6, 19): "Juneteenth",
        # July 4th 2026 is a Saturday: observed on the Friday before.
        D(2026, 7, 3): "Independence Day",
        D(2026, 9, 7): "Labor Day",
        D(2026, 9, 25): "Native American Day",
        D(2026, 11, 11): "Veterans Day",
        D(2026, 11, 26): "Thanksgiving Day",
        D(2026, 11, 27): "Day after Thanksgiving",
        D(2026, 12, 25): "Christmas Day",
    }


def test_sunday_holidays_move_to_monday_and_new_year_can_fall_in_december():
    # Christmas 2022 was a Sunday; New Year's Day 2028 is a Saturday.
    assert judicial_holiday(D(2022, 12, 26)) == "Christmas Day"
    assert judicial_holiday(D(2027, 12, 31)) == "New Year's Day"
    assert judicial_holiday(D(2026, 3, 30)) == ""
    assert judicial_holiday(D(9999, 12, 31)) == ""


def test_why_courts_are_closed():
    assert court_closed_reason(D(2026, 3, 7)) == "a Saturday"
    assert court_closed_reason(D(2026, 3, 31)) == "Cesar Chavez Day, a judicial holiday"
    assert court_closed_reason(D(2026, 3, 30)) == ""


def test_the_response_clock_skips_a_holiday():
    """A P2 (4 business hours) reported at 3 pm on the Wednesday before Thanksgiving
    2026 is due at 10 am the Monday after: Thursday and Friday are holidays."""
    pacific = datetime.timezone(datetime.timedelta(hours=-8))
    reported = datetime.datetime(2026, 11, 25, 15, 0, tzinfo=pacific)
    due = Incident.RESPONSE_TARGETS[Incident.Severity.P2].due(reported)
    assert due.date() == D(2026, 11, 30) and due.hour == 10
    assert not BUSINESS_HOURS.is_working_day(D(2026, 11, 27))


@pytest.mark.django_db
def test_a_go_live_on_a_closed_day_is_warned_about_before_it_is_saved(
    frozen_today, client, start, court, staff_user
):
    onboarding = start(court, go_live_in=60)
    client.force_login(staff_user)
    url = reverse("portal:reschedule", args=[court.slug])
    holiday = D(2026, 3, 31)  # Cesar Chavez Day, a Tuesday
    response = client.post(
        url, {"go_live_date": holiday.isoformat(), "reason": "Trainer available"}
    )
    assert response.status_code == 200
    assert "is Cesar Chavez Day, a judicial holiday: courts are closed" in (
        response.content.decode()
    )
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == TODAY + days(60)
    # Ticked: kept.
    response = client.post(
        url,
        {
            "go_live_date": holiday.isoformat(),
            "reason": "Trainer available",
            "closed_day_ok": "on",
        },
    )
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == holiday
    # A court day is saved at once.
    response = client.post(
        url, {"go_live_date": "2026-04-01", "reason": "One more day"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_start_page_and_the_decision_warn_too(
    frozen_today, client, court, staff_user, default_template
):
    client.force_login(staff_user)
    response = client.post(
        reverse("portal:onboarding_start", args=[court.slug]),
        {"go_live_date": "2026-05-30"},  # a Saturday
    )
    assert "is a Saturday: courts are closed" in response.content.decode()
    assert not court.onboardings.exists()
    from golive.forms import GoNoGoForm

    form = GoNoGoForm(
        {
            "decision": "postpone",
            "reason": "Not ready",
            "new_go_live_date": "2026-05-25",
        }
    )
    assert not form.is_valid()
    assert "Memorial Day" in str(form.errors["new_go_live_date"])

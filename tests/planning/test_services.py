"""Forecasts stored from real histories (planning.services), the change that queues
them, the nightly schedule, the commands."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from checklists import services as checklist_services
from planning.models import Forecast, StatewideForecast, slipping_q
from planning.services import forecasts_refresh
from tests.factories import CourtFactory, force_status

from .history import backdate_start, finish_counted, finish_late

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 11, 1)


@pytest.fixture
def started(start, court, today):
    onboarding = start(court, go_live_in=90)
    backdate_start(onboarding, on=START)
    return onboarding


def test_a_court_ten_days_late_is_forecast_ten_days_after_target_and_slipping(
    started, staff_user, today
):
    finish_late(started, late=10, by=staff_user, until=today)

    forecasts_refresh(today=today)

    forecast = Forecast.objects.get(onboarding=started)
    target = started.go_live_date
    assert forecast.target == target
    assert forecast.p50 == target + datetime.timedelta(days=10)
    assert forecast.slipping
    assert forecast.as_of == today


def test_a_court_on_time_is_forecast_on_its_target_and_not_slipping(
    started, staff_user, today
):
    finish_late(started, late=0, by=staff_user, until=today)

    forecasts_refresh(today=today)

    forecast = Forecast.objects.get(onboarding=started)
    assert forecast.p50 == forecast.p85 == started.go_live_date
    assert not forecast.slipping


def test_items_due_after_go_live_do_not_count(start, court, today):
    # Nothing is due yet: the forecast is the plan, up to Go-Live (the close-out
    # items, due up to 45 days later, would otherwise carry it).
    started = start(court, go_live_in=200)
    forecasts_refresh(today=today)
    forecast = Forecast.objects.get(onboarding=started)
    counted = started.items.filter(due_date__lte=started.go_live_date).open().count()
    assert started.items.filter(due_date__gt=started.go_live_date).exists()
    assert forecast.remaining == counted
    assert forecast.p85 == started.go_live_date


def test_slipping_rule_in_sql_agrees_with_python_on_the_boundary(started, today):
    forecasts_refresh(today=today)
    forecast = Forecast.objects.get(onboarding=started)
    for days, slipping in ((-1, False), (0, False), (1, True)):
        Forecast.objects.filter(pk=forecast.pk).update(
            p85=forecast.target + datetime.timedelta(days=days)
        )
        forecast.refresh_from_db()
        assert forecast.slipping is slipping
        assert Forecast.objects.filter(slipping_q(), pk=forecast.pk).exists() is (
            slipping
        )


def test_other_courts_finished_onboardings_teach_durations(
    start, court, staff_user, today
):
    # At another court, item 26 (acceptance testing) took 100 days after its last
    # prerequisite was done: this court cannot finish it in the weeks left.
    other = start(CourtFactory(name="Finished court", slug="finished"), go_live_in=5)
    backdate_start(other, on=START)
    finish_counted(
        other,
        on=lambda item: START + datetime.timedelta(days=100 if item.order >= 26 else 0),
        by=staff_user,
    )
    force_status(other, "live")
    mine = start(court, go_live_in=90)
    backdate_start(mine, on=START)

    forecasts_refresh(today=today)

    forecast = Forecast.objects.get(onboarding=mine)
    assert forecast.p50 >= today + datetime.timedelta(days=100)
    assert forecast.slipping


def test_the_same_history_gives_the_same_forecast(started, staff_user, today):
    finish_late(started, late=6, by=staff_user, until=today)
    forecasts_refresh(today=today)
    first = Forecast.objects.values("p50", "p85", "quantiles").get()
    Forecast.objects.all().delete()
    forecasts_refresh(today=today)
    assert Forecast.objects.values("p50", "p85", "quantiles").get() == first


def test_an_onboarding_no_longer_active_loses_its_forecast(started, today):
    forecasts_refresh(today=today)
    force_status(started, "live")
    forecasts_refresh(today=today, onboarding_ids=[started.pk])
    assert not Forecast.objects.exists()


def test_statewide_all_live_is_the_latest_court(start, court, other_court, today):
    # Nothing due yet at either: each is forecast on its plan.
    start(court, go_live_in=200)
    late = start(other_court, go_live_in=240)

    forecasts_refresh(today=today)

    statewide = StatewideForecast.objects.get(as_of=today)
    assert statewide.open_onboardings == 2
    assert statewide.all_live_p50 == late.go_live_date
    assert statewide.all_live_p85 == late.go_live_date


def test_a_change_to_items_queues_one_forecast_after_commit(
    started, staff_user, scheduled_forecasts, django_capture_on_commit_callbacks
):
    first, second = started.items.order_by("order")[:2]
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            checklist_services.item_set_status(
                item=first, status="in_progress", by=staff_user, expected_version=1
            )
        assert scheduled_forecasts == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):
        checklist_services.item_set_status(
            item=second, status="in_progress", by=staff_user, expected_version=1
        )
    # Two changes within the minute: one run, a minute later.
    assert scheduled_forecasts == [
        {"kwargs": {"onboarding_id": started.pk}, "countdown": 60}
    ]


def test_the_task_forecasts_the_onboarding(started, today):
    from planning.tasks import forecast_onboarding

    forecast_onboarding(started.pk, today=today.isoformat())
    assert Forecast.objects.get(onboarding=started).as_of == today


def test_setup_schedules_adds_the_nightly_forecast():
    call_command("setup_schedules", stdout=io.StringIO())
    nightly = PeriodicTask.objects.get(task="planning.forecast_all")
    assert (nightly.crontab.hour, nightly.crontab.minute) == ("2", "0")


def test_forecast_command_forecasts_one_court_or_all(started, court, today):
    out = io.StringIO()
    call_command("forecast", "--court", court.slug, "--today", "2026-03-04", stdout=out)
    assert "Forecast 1 onboarding(s) as of 2026-03-04" in out.getvalue()
    assert Forecast.objects.filter(onboarding=started).exists()


def test_backtest_reports_p85_coverage_on_finished_onboardings(
    start, staff_user, today
):
    # Two finished onboardings: one finished its last 60 days of work on time; the
    # other finished it 60 days late, after a record (as of 60 days before Go-Live)
    # of being on time, so its P85 missed.
    for slug, late in (("on-time", 0), ("very-late", 60)):
        onboarding = start(CourtFactory(slug=slug), go_live_in=200)
        backdate_start(onboarding, on=START)
        last_weeks = onboarding.go_live_date - datetime.timedelta(days=60)
        finish_counted(
            onboarding,
            on=lambda item, late=late, last_weeks=last_weeks: (
                item.due_date
                + datetime.timedelta(days=late if item.due_date > last_weeks else 0)
            ),
            by=staff_user,
        )
        force_status(onboarding, "live")

    out = io.StringIO()
    call_command("forecast_backtest", stdout=out)

    assert (
        "P85 coverage: 1 of 2 finished onboardings (50%) were ready by their P85."
        in out.getvalue()
    )


def test_court_page_shows_the_forecast_in_words_with_its_date(
    client, started, staff_user, today, frozen_today
):
    finish_late(started, late=10, by=staff_user, until=today)
    forecasts_refresh(today=today)
    client.force_login(staff_user)

    page = client.get(f"/courts/{started.court.slug}/").content.decode()

    # Go-Live 2 June; ten days late on every item.
    assert "Target 2 June; likely 12 June; 85 % by 12 June" in page
    assert "Slipping (forecast)" in page
    assert "Forecast made Mar 4, 2026" in page


def test_go_live_page_shows_the_forecast_in_words(
    client, started, staff_user, today, frozen_today
):
    finish_late(started, late=0, by=staff_user, until=today)
    forecasts_refresh(today=today)
    client.force_login(staff_user)

    page = client.get(f"/courts/{started.court.slug}/go-live/").content.decode()

    assert "Target 2 June; likely 2 June; 85 % by 2 June" in page
    assert "Slipping (forecast)" not in page

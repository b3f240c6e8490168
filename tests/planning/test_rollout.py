"""Waves (dashboard filter, per-wave summary), the statewide burn-up and all-live
forecast, and lead times learned from finished onboardings (medians, accepted
into a new template version)."""

import datetime

import pytest
from django.urls import reverse

from checklists import services
from checklists.models import Onboarding
from planning.lead_times import lead_times
from planning.models import ItemEffort, LeadTimeAdoption, Wave, WaveCourt
from planning.rollout import burnup, wave_summaries
from planning.services import forecasts_refresh
from tests.factories import CourtFactory, force_status

from .history import backdate_start, finish_counted

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def wave(start, frozen_today, today):
    first = start(CourtFactory(name="Alpha", slug="alpha"), go_live_in=60)
    start(CourtFactory(name="Beta", slug="beta"), go_live_in=60)
    wave = Wave.objects.create(
        name="Wave 1", window_start=today, window_end=today + 30 * DAY
    )
    WaveCourt.objects.create(wave=wave, court=first.court)
    forecasts_refresh(today=today)
    return wave


def test_the_dashboard_filters_by_wave(client, staff_user, wave):
    client.force_login(staff_user)
    rows = client.get("/dashboard/", {"wave": wave.pk}).context["rows"]
    assert [row.court.slug for row in rows] == ["alpha"]
    response = client.get("/dashboard/", {"wave": "999"})
    assert response.status_code == 200 and response.context["filter_errors"]


def test_a_wave_s_summary_compares_its_forecast_with_its_window(
    client, staff_user, wave
):
    (summary,) = wave_summaries()
    assert (summary.courts, summary.active, summary.live) == (1, 1, 0)
    assert summary.total > 0 and summary.percent == 0
    # Go-Live in 60 days, the window ends in 30: the forecast is past it.
    days = (summary.latest_p85 - wave.window_end).days
    assert days >= 30
    assert summary.late and summary.verdict == f"forecast {days} days past the window"
    client.force_login(staff_user)
    page = client.get(reverse("dashboard:statewide")).content.decode()
    assert "Wave 1" in page and f"forecast {days} days past the window" in page


def test_the_burn_up_counts_courts_live_planned_and_forecast(
    client, staff_user, wave, today
):
    live = Onboarding.objects.get(court__slug="beta")
    force_status(live, "live")
    Onboarding.objects.filter(pk=live.pk).update(went_live_on=today - 40 * DAY)
    forecasts_refresh(today=today)
    months = {m.month: m for m in burnup(today=today)}
    january, march, may = (datetime.date(2026, n, 1) for n in (1, 3, 5))
    assert (months[january].actual, months[january].forecast) == (1, None)
    assert months[march].actual == 1 and months[march].forecast == 1
    assert months[may].planned == 2 and months[may].actual is None
    last = max(months)
    assert months[last].forecast == 2 and months[last].planned == 2
    client.force_login(staff_user)
    page = client.get(reverse("dashboard:statewide")).content.decode()
    assert '<svg class="burnup' in page and "<title" in page
    assert '<th scope="row">May 2026</th>' in page
    assert "All open onboardings live by" in page


@pytest.fixture
def finished_three(staff_user, default_template, today):
    """Three onboardings that went live, each taking 11 days more for the DOJ
    approval (item 18, allowed 45 days after the registration, item 12)."""
    for n in range(3):
        go_live = today - (30 + n) * DAY
        onboarding = services.onboarding_start(
            court=CourtFactory(),
            go_live_date=go_live,
            court_enters_carpos=True,
            so_participates=True,
            started_by=staff_user,
            today=go_live - 200 * DAY,
        )
        backdate_start(onboarding, on=go_live - 180 * DAY)
        finish_counted(
            onboarding,
            on=lambda item: item.due_date + (11 * DAY if item.order == 18 else 0 * DAY),
            by=staff_user,
        )
        force_status(onboarding, "live")
    return default_template


def test_lead_times_learn_the_median_beside_the_template_s_offset(finished_three):
    learned = {lt.order: lt for lt in lead_times(finished_three)}
    doj = learned[18]
    assert (doj.allowed_days, doj.courts, doj.median_days) == (45, 3, 56)
    assert doj.sentence == (
        "DOJ approval received: the template allows 45 days; 3 courts took a "
        "median of 56 (half between 56 and 56)."
    )
    assert doj.proposed_offset == -34
    assert learned[12].proposed_offset is None  # on time: nothing to propose


def test_an_accepted_offset_makes_a_new_version_for_new_onboardings(
    client, staff_user, finished_three, start
):
    running = start(CourtFactory(name="Running", slug="running"))
    client.force_login(staff_user)
    page = client.get(reverse("dashboard:lead_times")).content.decode()
    assert "3 courts took a median of 56" in page and "Accept -34" in page
    assert "Running onboardings keep their plan until they are re-planned." in page
    response = client.post(
        reverse("dashboard:lead_times"), {"order": "18", "reason": "Learned."}
    )
    assert response.status_code == 302
    new = services.default_template()
    assert new.version == 2 and new.items.get(order=18).offset_days == -34
    finished_three.refresh_from_db()
    assert not finished_three.is_active
    assert ItemEffort.objects.filter(template_item__template=new).count() == 20
    assert new.items.get(order=18).depends_on.get().order == 12
    adoption = LeadTimeAdoption.objects.get()
    assert (adoption.old_offset, adoption.new_offset, adoption.courts) == (-45, -34, 3)
    # The running onboarding keeps its dates; a new one starts from version 2.
    assert running.items.get(order=18).offset_days == -45
    # ...until re-planned: its re-plan page offers the move onto version 2, with
    # item 18's new due date.
    replan = client.get(reverse("portal:replan", args=["running"])).content.decode()
    assert f"Moved from {finished_three} onto {new}" in replan
    assert "(-34 days from Go-Live)" in replan
    later = start(CourtFactory(name="Later", slug="later"))
    assert later.template == new and later.items.get(order=18).offset_days == -34
    # Nothing left to accept: refused in words, never a 500.
    response = client.post(reverse("dashboard:lead_times"), {"order": "12"})
    assert response.status_code == 200
    assert "Nothing to accept" in response.content.decode()

"""Planning the rollout in a real browser, on demo-like data built here (the demo's
finished onboardings and wave, three courts going live the same week): the
statewide burn-up with its table and the all-live forecast, the waves, the
dashboard filtered by wave, the capacity page with an over-committed week that
fits a phone, a Go-Live moved into that week (warned, kept with a reason), and a
learned lead time accepted. Every page is checked (sideways scroll, axe,
console, HTML)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from ccpor_onboard.lib.dates import today_in_california
from ccpor_onboard.lib.holidays import court_closed_reason
from checklists import services
from courts.models import Court
from demo.history import seed_history
from planning import capacity
from planning.models import CapacityOverride, LeadTimeAdoption, Wave

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DAY = datetime.timedelta(days=1)


def _court_day(day: datetime.date) -> datetime.date:
    while court_closed_reason(day):
        day += DAY
    return day


def test_staff_plan_the_rollout(
    page, live_server, sign_in, check_page, court, staff_user
):
    # The pages ask the real clock: the data is built around today.
    today = today_in_california()
    go_live = _court_day(today + 91 * DAY)
    # Three courts in the same week: the trainer's 32 h are over-committed the
    # week of their train-the-trainer sessions (item 25, 12 h a week each).
    for slug in ("fresno", "kern", "riverside"):
        services.onboarding_start(
            court=Court.objects.get(slug=slug),
            go_live_date=go_live,
            court_enters_carpos=True,
            so_participates=True,
            started_by=staff_user,
            today=today,
        )
    services.onboarding_start(
        court=court,
        go_live_date=_court_day(today + 200 * DAY),
        court_enters_carpos=True,
        so_participates=True,
        started_by=staff_user,
        today=today,
    )
    # The demo's finished onboardings (their DOJ approvals slower than planned),
    # its wave (Fresno, Kern, Riverside...) and the forecasts.
    seed_history(today=today, by=staff_user)
    wave = Wave.objects.get()
    trainer_week = capacity.monday_of(go_live - 35 * DAY)
    sign_in(page, staff_user)

    # The statewide view: the burn-up, its figures as a table, the all-live
    # forecast and the waves.
    page.goto(live_server.url + "/dashboard/statewide/")
    burnup = page.get_by_role("region", name="Courts live over time")
    expect(
        burnup.get_by_role("img", name="Burn-up: courts live by month")
    ).to_be_visible()
    expect(page.locator("#all-live")).to_contain_text(
        re.compile(r"All open onboardings live by: likely \w{3} \d+, \d{4}; 85 % by")
    )
    burnup.get_by_text("The figures as a table").click()
    figures = burnup.get_by_role("table")
    expect(
        figures.get_by_role("columnheader", name="Forecast (likely)")
    ).to_be_visible()
    expect(figures.get_by_role("row")).not_to_have_count(1)
    waves = page.get_by_role("region", name="Waves")
    onboarding = waves.get_by_role("row", name=re.compile(wave.name)).locator(
        'td[data-label="Onboarding"]'
    )
    expect(onboarding).to_have_text(re.compile(r"^3\b"))
    check_page(page)

    # The dashboard, filtered by the wave: its three courts going live, no other.
    page.goto(live_server.url + "/dashboard/")
    page.get_by_label("Wave").select_option(label=wave.name)
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(rf"wave={wave.pk}"))
    rows = page.locator("table.portfolio tbody tr")
    for name in ("Fresno", "Kern", "Riverside"):
        expect(rows.filter(has_text=name)).not_to_have_count(0)
    expect(rows.filter(has_text="Court A")).to_have_count(0)

    # The capacity page: the trainer's week marked, the table fits a phone.
    page.goto(live_server.url + "/dashboard/capacity/?weeks=20")
    week = page.get_by_role(
        "row", name=re.compile(f"{trainer_week:%b} {trainer_week.day},")
    )
    expect(week.get_by_role("cell", name=re.compile("Over-committed"))).to_have_count(1)
    expect(week).to_contain_text("36 h of 32 h")
    page.set_viewport_size({"width": 375, "height": 812})
    table = page.locator("table.capacity")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_page(page)

    # Court A's Go-Live moved into that week: warned, then kept with a reason.
    page.goto(live_server.url + "/courts/court-a/reschedule/")
    page.get_by_label("New Go-Live date").fill(go_live.isoformat())
    page.get_by_label("Reason for the move").fill("The court asked for the spring.")
    page.get_by_role("button", name="Move Go-Live").click()
    warning = page.get_by_text(
        re.compile(f"^A Go-Live on {go_live:%B} {go_live.day}, .* over-commits the")
    )
    expect(warning).to_contain_text(
        f"week of {trainer_week:%b} {trainer_week.day}: Trainer"
    )
    expect(warning).to_contain_text("The nearest Go-Live that fits is")
    check_page(page)
    page.get_by_label("Reason to keep an over-committed date").fill(
        "Two trainers borrowed from the e-filing team."
    )
    page.get_by_role("button", name="Move Go-Live").click()
    expect(page).to_have_url(re.compile(r"/courts/court-a/$"))
    kept = CapacityOverride.objects.get(onboarding__court=court)
    assert kept.reason == "Two trainers borrowed from the e-filing team."
    assert kept.proposed_date is not None and kept.proposed_date != go_live

    # Lead times: the DOJ approval took longer than the template allows; accept.
    page.goto(live_server.url + "/dashboard/lead-times/")
    doj = page.get_by_role("row", name=re.compile(r"^18\. "))
    expect(doj).to_contain_text(re.compile(r"the template allows \d+ days; 5 courts"))
    doj.get_by_label(re.compile("Why accept the offset of item 18")).fill(
        "DOJ approvals take longer."
    )
    check_page(page)
    doj.get_by_role("button", name=re.compile(r"^Accept -?\d+")).click()
    expect(page.get_by_text(re.compile("^Accepted into"))).to_be_visible()
    adoption = LeadTimeAdoption.objects.get()
    assert (adoption.order, adoption.courts) == (18, 5)
    assert adoption.new_offset > adoption.old_offset  # later: closer to Go-Live
    expect(page.locator("h3:text-is('Accepted') + ul")).to_contain_text(
        "DOJ approvals take longer."
    )

"""The CCPOR Team's dashboard in a real browser, as a lead would use it on a desk
and on a phone: a P1 reported a minute ago is at the top with its response clock,
the late tile filters the portfolio, the courts never started are one line (not 58
rows of dashes), and the filters are still there after going elsewhere."""

import pytest
from playwright.sync_api import expect

from checklists.models import Onboarding
from courts.models import Court
from golive import services as golive_services
from tests.factories import days

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_dashboard_opens_on_what_needs_the_team(
    page,
    live_server,
    sign_in,
    check_page,
    start,
    court,
    other_court,
    staff_user,
    court_lead,
    today,
):
    late = start(other_court, go_live_in=60)
    late.items.filter(order__lte=3).update(due_date=today - days(20))
    from checklists.services import onboarding_summaries_refresh

    onboarding_summaries_refresh(onboarding_ids=[late.pk])
    live = start(court, go_live_in=1)
    Onboarding.objects.filter(pk=live.pk).update(status="live")
    live.refresh_from_db()
    never_started = Court.objects.filter(is_active=True).count() - 2
    golive_services.incident_report(
        onboarding=live,
        by=court_lead,
        title="Orders cannot be saved",
        description="Every save fails.",
        severity="P1",
        category="carpos",
    )
    sign_in(page, staff_user)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/dashboard/")
        attention = page.locator("#attention")
        expect(attention.get_by_text("Orders cannot be saved")).to_be_visible()
        expect(attention.get_by_text("response due in")).to_be_visible()
        expect(
            page.get_by_role("link", name=f"{never_started} courts not started")
        ).to_be_visible()
        # Two rows (the late court and the live one) and the folded line.
        expect(page.locator("table.portfolio tbody tr")).to_have_count(3)
        check_page(page)
    page.get_by_role("link", name="1 late court").click()
    expect(page).to_have_url(live_server.url + "/dashboard/?health=late")
    rows = page.locator("table.portfolio tbody tr")
    expect(rows.first).to_contain_text(other_court.short_name)
    # Away and back: the filter is still applied.
    page.goto(live_server.url + "/dashboard/statewide/")
    page.get_by_role("link", name="Dashboard", exact=True).first.click()
    expect(page).to_have_url(live_server.url + "/dashboard/?health=late")
    page.get_by_role("link", name="Clear", exact=True).click()
    expect(page).to_have_url(live_server.url + "/dashboard/")

"""The statewide view in a real browser: the counts by district and stage and a page
of tiles fit 1280 and 375 px without sideways scrolling, and pass the page checks
(axe, console, HTML)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_statewide_view_fits_a_desk_and_a_phone(
    page, live_server, sign_in, check_page, start, court, staff_user
):
    start(court, go_live_in=20)
    sign_in(page, staff_user)
    page.goto(live_server.url + "/dashboard/statewide/")
    expect(
        page.get_by_role("heading", name="Courts by district and stage")
    ).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="3rd District").first.click()
    expect(page.get_by_role("heading", name="3rd District: 23 courts")).to_be_visible()
    check_page(page)

""" "Your next actions" in a real browser, as an executive officer asked to sign: the
request is first on her court page, says who asked and what they wrote, and leads to
the page where she signs; once signed it is gone. Checked at 1280 and 375 px."""

import pytest
from playwright.sync_api import expect

from golive import services
from golive.models import SignOffKind, SignOffRole
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_executive_officer_asked_to_sign_finds_it_first(
    page, live_server, sign_in, check_page, start, court, court_lead
):
    eo = MembershipFactory(
        court=court, role="executive_officer", user__email="eo@example.org"
    ).user
    onboarding = start(court, go_live_in=20)
    services.sign_off_ask(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role=SignOffRole.EXECUTIVE_OFFICER,
        asked=eo,
        by=court_lead,
        message="Testing went well; please sign by Friday.",
    )
    sign_in(page, eo)
    page.goto(live_server.url + f"/courts/{court.slug}/")
    actions = page.locator("#next-actions")
    first = actions.locator("li").first
    expect(first).to_contain_text("Sign the acceptance testing sign-off")
    expect(first).to_contain_text("asked you on")
    expect(first).to_contain_text("please sign by Friday")
    check_page(page)
    first.get_by_role("link", name="Sign the acceptance testing sign-off").click()
    page.get_by_label("Statement").fill("Testing passed; we accept.")
    page.get_by_role("button", name="Sign as court executive officer").click()
    expect(page.get_by_role("status").first).to_contain_text("Signed")
    page.goto(live_server.url + f"/courts/{court.slug}/")
    expect(page.locator("#next-actions")).not_to_contain_text("Sign the acceptance")

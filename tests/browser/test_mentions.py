"""@mentions offered as one types, with the keyboard alone: "@pa", arrow down, Enter
inserts the person's user name; the list is a labelled listbox the text area
controls; the page passes its checks with the list open."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_mentions_are_offered_as_you_type(
    page, live_server, sign_in, check_page, start, court, court_lead
):
    MembershipFactory(
        court=court,
        user__username="pat.lee",
        user__first_name="Pat",
        user__last_name="Lee",
    )
    MembershipFactory(
        court=court,
        user__username="paula",
        user__first_name="Paula",
        user__last_name="Ruiz",
    )
    item = start(court).items.get(order=11)
    sign_in(page, court_lead)
    page.goto(
        live_server.url + reverse("checklists:item_detail", args=[court.slug, item.pk])
    )
    box = page.get_by_role("combobox", name="Comment")
    box.click()
    box.press_sequentially("Thanks @pa")
    listbox = page.get_by_role("listbox", name="People to mention")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(box).to_have_value("Thanks @paula ")
    expect(listbox).to_be_hidden()
    box.press_sequentially("and @cc")
    expect(options).to_have_count(1)
    check_page(page)
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")

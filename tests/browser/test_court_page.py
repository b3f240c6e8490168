"""The court page in a real browser (issue 13): it opens on "Your next actions",
folds finished phases, fits 1280 and 375 px, and its inline status change works
without a reload; the court lead's journey with the mouse and with the keyboard
alone; the sheriff's office liaison, who changes the SO's items and not the
court's. Every page is checked (sideways scroll, axe, console, Nu HTML Checker).

`SCREENSHOTS=1 scripts/test.sh tests/browser/test_court_page.py` writes
docs/screenshots/court-page-1280.png and court-page-375.png."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ccpor_onboard.lib.dates import today_in_california
from checklists import services
from checklists.models import ChecklistItem
from tests.factories import evidence_bytes
from tests.golive.stages import finish

from .checks import assert_focus_visible, tab

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory

# Every control the keyboard can reach on the page as it stands (inside an open
# <details> or none), each named by a stable description.
_FOCUSABLE_JS = """() => {
  const selector =
    'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const visible = (el) => {
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') return false;
    if (el.tagName === 'SUMMARY' && el.parentElement.closest('details:not([open])'))
      return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0
      && getComputedStyle(el).visibility !== 'hidden';
  };
  return [...document.querySelectorAll(selector)]
    .filter(el => !el.disabled && el.tabIndex >= 0 && visible(el))
    .map((el, i) => { el.dataset.focusId = String(i); return String(i); });
}"""


@pytest.fixture
def alameda(court, court_lead, court_liaison, staff_user):
    """Court A 45 days from Go-Live on the live server's own today: Planning finished
    by the CCPOR Team, the rest as the guide's offsets leave them (items due 60 days
    before Go-Live and earlier are overdue)."""
    today = today_in_california()
    onboarding = services.onboarding_start(
        court=court,
        go_live_date=today + datetime.timedelta(days=45),
        court_enters_carpos=True,
        so_participates=True,
        started_by=staff_user,
        today=today,
    )
    finish(onboarding, by=staff_user, up_to=4)
    return onboarding


def tab_to(page, wanted, *, limit: int = 400) -> str:
    """Press Tab until the focus is on a control whose description (see `tab`)
    satisfies `wanted` (a string it starts with, or a predicate); each stop must
    show its focus. Fails after `limit` stops."""
    matches = wanted if callable(wanted) else (lambda name: name.startswith(wanted))
    for _ in range(limit):
        name = tab(page)
        if matches(name):
            return name
    raise AssertionError(f"{page.url}: no control {wanted!r} within {limit} Tabs")


def court_url(live_server) -> str:
    return live_server.url + reverse("portal:court", kwargs={"slug": "court-a"})


def item(onboarding, order: int) -> ChecklistItem:
    return onboarding.items.get(order=order)


def test_court_lead_changes_a_status_inline_uploads_evidence_and_comments(
    page, live_server, sign_in_with_form, check_page, alameda, court_lead
):
    sign_in_with_form(page, "lead-a", PASSWORD)
    expect(page).to_have_url(court_url(live_server))

    # The page opens on what the court must do, before the full checklist.
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("Your next actions") < headings.index("Full checklist")
    actions = page.locator("#next-actions")
    listed = actions.get_by_role("listitem")
    # The court's open items overdue or due by the 30-day mark, overdue first.
    expected = [
        i.order
        for i in sorted(
            alameda.items.filter(
                actor="court",
                due_date__lte=alameda.go_live_date - datetime.timedelta(days=30),
            ).open(),
            key=lambda i: (
                not i.is_overdue_on(today_in_california()),
                i.due_date,
                i.order,
            ),
        )
    ]
    assert len(expected) > 3
    expect(listed).to_have_count(len(expected))
    shown = [
        int(t.split(".")[0])
        for t in listed.locator("a.next-action-title").all_inner_texts()
    ]
    assert shown == expected
    expect(listed.first.locator(".badge", has_text="Overdue")).to_be_visible()
    # The finished Planning phase is folded, the phase under way is open.
    planning = page.locator("section.phase", has_text="1. Planning")
    expect(planning.locator("details")).not_to_have_attribute("open", "")
    expect(planning.get_by_role("heading")).to_contain_text("Finished")
    implement = page.locator("section.phase", has_text="3. Implement")
    expect(implement.locator("details")).to_have_attribute("open", "")
    # The kind key explains the letter beside each item's kind.
    key = page.locator(".kind-key").first
    expect(key).to_contain_text("Document from the CCPOR Team")
    expect(key).to_contain_text("Court/SO activity")
    check_page(page, screenshots={1280: "court-page-1280", 375: "court-page-375"})

    # The full checklist is one click away: every phase open.
    page.get_by_role("link", name="Expand every phase").click()
    expect(planning.locator("details")).to_have_attribute("open", "")
    check_page(page)
    page.get_by_role("link", name="Collapse finished phases").click()
    expect(planning.locator("details")).not_to_have_attribute("open", "")

    # An inline status change: the row and "Your next actions" follow, no reload.
    page.evaluate("window.notReloaded = true")
    target = item(alameda, 11)
    row = page.locator(f"#item-row-{target.pk}")
    row.get_by_label("Status of item 11").select_option("in_progress")
    row.get_by_role("button", name="Save item 11").click()
    row = page.locator(f"#item-row-{target.pk}")
    expect(row.get_by_role("status")).to_have_text("Saved: now in progress.")
    assert page.evaluate("window.notReloaded") is True
    expect(
        page.locator("#next-actions li", has_text="11. ").locator(".status-badge")
    ).to_have_text("In progress")
    expect(page.get_by_text("Saved: now in progress.")).to_have_count(1)
    target.refresh_from_db()
    assert target.status == "in_progress" and target.updated_by == court_lead
    check_page(page)

    # Evidence and a comment on the item page; the activity follows.
    row.get_by_role("link", name=re.compile(r"^CCTC connectivity")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CCTC connectivity")
    page.get_by_label("Document").set_input_files(
        files=[
            {
                "name": "firewall-request.pdf",
                "mimeType": "application/pdf",
                "buffer": evidence_bytes("pdf"),
            }
        ]
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Uploaded “firewall-request.pdf”"
    )
    page.get_by_role("combobox", name="Comment").fill(
        "Firewall request filed with the CCTC."
    )
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments")).to_contain_text(
        "Firewall request filed with the CCTC."
    )
    check_page(page)

    page.goto(court_url(live_server))
    activity = page.locator(".activity-feed")
    expect(activity.get_by_role("listitem").first).to_contain_text(
        "Firewall request filed with the CCTC."
    )
    expect(activity).to_contain_text("firewall-request.pdf")
    expect(activity).to_contain_text("Not started → In progress")
    row = page.locator(f"#item-row-{target.pk}")
    expect(row.get_by_label("1 evidence file for item 11")).to_be_visible()
    check_page(page)


def test_so_liaison_changes_the_sheriffs_items_and_not_the_courts(
    page, live_server, sign_in, check_page, alameda, court_liaison
):
    sign_in(page, court_liaison)
    page.goto(court_url(live_server))
    actions = page.locator("#next-actions")
    expect(actions).to_contain_text("the open items of the Sheriff's Office")
    for title in actions.locator("a.next-action-title").all_inner_texts():
        order = int(title.split(".")[0])
        assert item(alameda, order).actor == "so", title

    so_item, court_item = item(alameda, 8), item(alameda, 11)
    court_row = page.locator(f"#item-row-{court_item.pk}")
    expect(court_row.locator("select, input, button")).to_have_count(0)
    expect(court_row.locator(".status-badge")).to_have_text("Not started")
    check_page(page)

    page.evaluate("window.notReloaded = true")
    so_row = page.locator(f"#item-row-{so_item.pk}")
    so_row.get_by_label("Status of item 8").select_option("in_progress")
    so_row.get_by_role("button", name="Save item 8").click()
    so_row = page.locator(f"#item-row-{so_item.pk}")
    expect(so_row.get_by_role("status")).to_have_text("Saved: now in progress.")
    assert page.evaluate("window.notReloaded") is True
    so_item.refresh_from_db()
    assert so_item.status == "in_progress"

    # A forged POST for the court's item, with the liaison's session and a valid
    # CSRF token, is refused and changes nothing.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    action = reverse(
        "checklists:item_status", kwargs={"slug": "court-a", "pk": court_item.pk}
    )
    response = page.request.post(
        live_server.url + action,
        form={
            "csrfmiddlewaretoken": token,
            "status": "done",
            "expected_version": str(court_item.version),
        },
        headers={"Referer": court_url(live_server)},
    )
    assert response.status == 403
    court_item.refresh_from_db()
    assert court_item.status == "not_started"
    check_page(page)


def test_court_lead_journey_with_the_keyboard_alone(
    page, live_server, sign_in_with_form, check_page, alameda
):
    sign_in_with_form(page, "lead-a", PASSWORD)
    expect(page).to_have_url(court_url(live_server))
    page.set_viewport_size({"width": 1280, "height": 800})

    # Every control of the page is reached with Tab, with the focus visible.
    wanted = set(page.evaluate(_FOCUSABLE_JS))
    reached = set()
    for _ in range(len(wanted) + 20):
        tab(page)
        focus_id = page.evaluate("() => document.activeElement.dataset.focusId")
        if focus_id is not None:
            reached.add(focus_id)
        if reached == wanted:
            break
    assert reached == wanted, f"{len(wanted - reached)} controls never got the focus"

    # Shift+Tab walks back to the control before. (Each part starts from the top of
    # a freshly loaded page.)
    page.reload()
    first, second = tab(page), tab(page)
    assert tab(page, backwards=True) == first
    assert tab(page) == second

    # A folded phase opens with Space on its summary, and Tab goes into it; Enter
    # folds it again.
    planning = page.locator("section.phase", has_text="1. Planning")
    page.reload()
    tab_to(page, lambda name: "finished items" in name)
    page.keyboard.press("Space")
    expect(planning.locator("details")).to_have_attribute("open", "")
    tab(page)
    assert page.evaluate(
        "() => document.activeElement.closest('details')"
        " === document.querySelector('section.phase details')"
    )
    tab(page, backwards=True)
    page.keyboard.press("Enter")
    expect(planning.locator("details")).not_to_have_attribute("open", "")

    # The status of item 11, changed with the keyboard alone, no reload.
    page.reload()
    page.evaluate("window.notReloaded = true")
    target = item(alameda, 11)
    tab_to(page, 'select "Status of item 11"')
    page.keyboard.press("ArrowDown")  # Not started -> In progress
    assert tab(page).startswith('input "Reason')
    assert tab(page) == 'button "Save item 11"'
    assert tab(page, backwards=True).startswith('input "Reason')
    assert tab(page) == 'button "Save item 11"'
    page.keyboard.press("Enter")
    row = page.locator(f"#item-row-{target.pk}")
    expect(row.get_by_role("status")).to_have_text("Saved: now in progress.")
    assert page.evaluate("window.notReloaded") is True
    # The focus stays on the Save button of the new row, visibly.
    expect(row.get_by_role("button", name="Save item 11")).to_be_focused()
    assert assert_focus_visible(page) == 'button "Save item 11"'

    target.refresh_from_db()
    assert target.status == "in_progress"
    check_page(page)

    # To the item with Enter on its title; a PDF and a comment, by keyboard.
    page.reload()
    tab_to(page, 'a "11. CCTC connectivity')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("CCTC connectivity")
    tab_to(page, 'input "Document')
    with page.expect_file_chooser(timeout=30_000) as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        files=[
            {
                "name": "circuit-order.pdf",
                "mimeType": "application/pdf",
                "buffer": evidence_bytes("pdf"),
            }
        ]
    )
    assert tab(page) == 'button "Upload"'
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(
        "Uploaded “circuit-order.pdf”"
    )
    tab_to(page, 'textarea "Comment')
    page.keyboard.type("Circuit ordered; the CCTC confirms next week.")
    tab_to(page, 'button "Post comment"', limit=5)
    page.keyboard.press("Enter")
    expect(page.locator("#comments")).to_contain_text("Circuit ordered")
    check_page(page)

    page.goto(court_url(live_server))
    activity = page.locator(".activity-feed")
    expect(activity.get_by_role("listitem").first).to_contain_text("Circuit ordered")
    expect(activity).to_contain_text("circuit-order.pdf")
    check_page(page)

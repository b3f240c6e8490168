"""Issue 23's small things that add up, in a real browser at 1280 and 375 px: an
inline save leaves the console clean (no policy refusal, no script error) whether it
is saved, refused or in conflict; progress figures readable at 0%, at a few per
cent and at 100%; the overdue page's group headings and long court names; the
timeline's text version first on a phone; the admin's change list of items with
its status column whole. Every page also goes through `check_page`."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ccpor_onboard.lib.dates import today_in_california
from checklists import services
from checklists.models import ChecklistItem
from courts.models import Court
from tests.factories import MembershipFactory
from tests.golive.stages import finish

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Words of the element's text that the layout cut across two lines ("Sta/tus").
_BROKEN_WORDS_JS = """(selector) => {
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def started(court, *, by, go_live_in: int):
    """An onboarding on the live server's own today."""
    today = today_in_california()
    return services.onboarding_start(
        court=court,
        go_live_date=today + datetime.timedelta(days=go_live_in),
        court_enters_carpos=True,
        so_participates=True,
        started_by=by,
        today=today,
    )


def set_status(item, status, by, reason=""):
    return services.item_set_status(
        item=item, status=status, by=by, expected_version=item.version, reason=reason
    )


def inline_save(page, item, status, reason=""):
    row = page.locator(f"#item-row-{item.pk}")
    row.get_by_label(f"Status of item {item.order}").select_option(status)
    row.get_by_label(
        f"Reason if blocked, justification if N/A, for item {item.order}"
    ).fill(reason)
    with page.expect_response(lambda r: r.url.endswith(f"/items/{item.pk}/status/")):
        row.get_by_role("button", name=f"Save item {item.order}").click()
    return page.locator(f"#item-row-{item.pk}")


@pytest.mark.parametrize("width", [1280, 375])
def test_an_inline_save_logs_nothing_in_the_console(
    page, live_server, sign_in, check_page, page_errors, court, court_lead, width
):
    onboarding = started(court, by=court_lead, go_live_in=45)
    sign_in(page, court_lead)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + court.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    saved, refused, contested = (
        onboarding.items.get(order=order) for order in (11, 12, 13)
    )

    row = inline_save(page, saved, "in_progress")
    expect(row.get_by_role("status")).to_have_text("Saved: now in progress.")
    assert page_errors == []

    row = inline_save(page, refused, "blocked")  # no reason: refused on the row
    expect(row.get_by_role("alert")).to_contain_text("Say what is blocking")
    assert page_errors == []

    # Someone else changed the item since the page was read: a conflict, shown.
    ChecklistItem.objects.filter(pk=contested.pk).update(version=contested.version + 1)
    row = inline_save(page, contested, "in_progress")
    expect(row.get_by_role("alert")).to_be_visible()
    assert page_errors == []
    assert page.evaluate("window.notReloaded") is True
    check_page(page)


_PROGRESS_JS = """() => [...document.querySelectorAll('.progress-labelled')].map(el => {
  const bar = el.querySelector('[role=progressbar]');
  const figure = el.querySelector('.progress-value');
  figure.scrollIntoView({block: 'center'});
  const box = figure.getBoundingClientRect();
  const hit = document.elementFromPoint(
    box.left + box.width / 2, box.top + box.height / 2);
  return {
    value: bar.getAttribute('aria-valuenow'),
    text: figure.textContent.trim(),
    inBar: bar.textContent.trim(),
    width: box.width,
    inside: box.left >= 0 && box.right <= window.innerWidth,
    clipped: figure.scrollWidth > figure.clientWidth,
    onTop: hit === figure || figure.contains(hit),
  };
})"""


def test_progress_figures_are_readable_at_any_value(
    page, live_server, sign_in, check_page, court, court_lead, staff_user
):
    onboarding = started(court, by=staff_user, go_live_in=45)
    finish(onboarding, by=staff_user, up_to=4)  # Planning: 100%
    set_status(onboarding.items.get(order=11), "done", staff_user)  # Implement: few %
    sign_in(page, court_lead)
    page.goto(live_server.url + court.get_absolute_url() + "?view=all")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        bars = page.evaluate(_PROGRESS_JS)
        values = {int(b["value"]) for b in bars}
        assert 100 in values and 0 in values and any(0 < v < 10 for v in values)
        for bar in bars:
            assert bar["text"] == f"{bar['value']}%" and bar["inBar"] == "", bar
            assert bar["width"] > 0 and bar["inside"] and not bar["clipped"], bar
            assert bar["onTop"], bar
    check_page(page)


def test_the_overdue_page_reads_at_both_widths(
    page, live_server, sign_in, check_page, staff_user
):
    # Two of the 58 superior courts (reference data), with their long names.
    for county in ("San Luis Obispo", "Contra Costa"):
        court = Court.objects.get(county=county)
        MembershipFactory(court=court)
        started(court, by=staff_user, go_live_in=40)
    sign_in(page, staff_user)
    for group in ("actor", "court"):
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(live_server.url + reverse("dashboard:overdue") + f"?group={group}")
        headings = page.locator(".overdue-group-heading")
        expect(headings.first).to_be_visible()
        assert headings.count() >= 2
        # The groups' tables share their columns: each heading starts at one x.
        lefts = page.evaluate(
            "() => [...document.querySelectorAll('table.overdue-table')].map(t =>"
            " [...t.querySelectorAll('thead th')].map(th =>"
            " Math.round(th.getBoundingClientRect().left)).join())"
        )
        assert len(set(lefts)) == 1, lefts
        if group == "actor":
            # A court is named short in a row; its full name is the link's title.
            link = page.get_by_role("link", name="San Luis Obispo", exact=True).first
            expect(link).to_have_attribute(
                "title", "Superior Court of California, County of San Luis Obispo"
            )
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate(_BROKEN_WORDS_JS, ".overdue-group-heading") == []
            assert (
                page.evaluate(
                    _BROKEN_WORDS_JS, ".overdue-table td:not([data-label=Owner])"
                )
                == []
            )
            for heading in headings.all():
                # A heading spans its section, not a caption's narrow column.
                box = heading.bounding_box()
                section = heading.locator("xpath=..").bounding_box()
                assert box["width"] >= section["width"] - 1
        check_page(page)


def test_the_timelines_text_comes_first_on_a_phone(
    page, live_server, sign_in, check_page, court, court_lead
):
    started(court, by=court_lead, go_live_in=45)
    sign_in(page, court_lead)
    url = live_server.url + court.get_absolute_url()
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(url)
    text = page.locator("details.timeline-text")
    expect(text).to_have_attribute("open", "")
    expect(text.get_by_role("table")).to_be_visible()
    assert (
        text.bounding_box()["y"] < page.locator("svg.timeline-svg").bounding_box()["y"]
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(url)
    expect(page.locator("details.timeline-text")).not_to_have_attribute("open", "")
    expect(page.locator("svg.timeline-svg")).to_be_visible()
    check_page(page)


def test_the_admins_item_list_keeps_its_status_column_whole(
    page, live_server, sign_in, check_page, court, admin_user, staff_user
):
    onboarding = started(court, by=staff_user, go_live_in=45)
    set_status(onboarding.items.get(order=11), "in_progress", staff_user)
    sign_in(page, admin_user)
    page.goto(live_server.url + reverse("admin:checklists_checklistitem_changelist"))
    expect(page.locator("td.field-status").first).to_be_visible()
    assert page.evaluate(_BROKEN_WORDS_JS, "#result_list thead th") == []
    assert page.evaluate(_BROKEN_WORDS_JS, "#result_list td.field-status") == []
    check_page(page)

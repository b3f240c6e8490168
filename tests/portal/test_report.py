import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from checklists import services
from checklists.models import ChecklistItem
from tests.conftest import TODAY
from tests.factories import attach_evidence, days

pytestmark = pytest.mark.django_db


def report_url(court) -> str:
    return reverse("portal:report", kwargs={"slug": court.slug})


@pytest.fixture(autouse=True)
def frozen_today():
    with freeze_time(f"{TODAY:%Y-%m-%d} 12:00:00"):
        yield


@pytest.fixture
def onboarding(start, court, staff_user):
    """Go-Live in 40 days: items due 45+ days before it are overdue; item 26 is
    blocked; items 1-4 are done."""
    onboarding = start(court, go_live_in=40)
    for order in (1, 2, 3, 4):
        item = onboarding.items.get(order=order)
        if item.evidence_required:
            attach_evidence(item, by=staff_user)
        services.item_set_status(
            item=item, status="done", by=staff_user, expected_version=item.version
        )
    item = onboarding.items.get(order=26)
    services.item_set_status(
        item=item,
        status="blocked",
        by=staff_user,
        expected_version=item.version,
        reason="Test environment unreachable.",
    )
    return onboarding


def section(html: str, heading: str) -> str:
    """The HTML from an <h3> heading that starts with `heading` to the next one."""
    match = re.search(
        rf"<h3[^>]*>{re.escape(heading)}.*?(?=<h3|</section>)", html, re.S
    )
    assert match, f"no section {heading!r}"
    return match.group(0)


def test_staff_sees_the_whole_report(client, onboarding, court, staff_user):
    client.force_login(staff_user)
    response = client.get(report_url(court))

    assert response.status_code == 200
    html = response.content.decode()
    assert "CCPOR onboarding status report" in html
    assert '<h1 class="h2 mb-1">Court A</h1>' in html
    assert "Court of Appeal district 1" in html
    assert "Late</span>" in html  # health, in words
    assert "4 of 36 items finished (11%)" in html
    assert "32, of which 18 overdue and 1 blocked" in html
    assert "30-day on Mar 14, 2026, in 10 days" in html
    # Progress per phase, then the marks with their dates.
    assert re.search(r"Planning.*?4 / 4.*?Scope.*?0 / 6", html, re.S)
    assert "Mon, Apr 13, 2026" in html  # Go-Live mark
    # The timeline is part of the report.
    assert 'class="timeline-svg' in html
    # The print stylesheet is linked.
    assert "css/print.css" in html


def test_open_items_are_grouped_by_actor_with_overdue_marked(
    client, onboarding, court, staff_user
):
    client.force_login(staff_user)
    html = client.get(report_url(court)).content.decode()

    court_group = section(html, "Court:")
    assert "Court: 16 open, 10 overdue" in court_group
    assert "Overdue by 70 days" in court_group  # item 6, due 110 days before Go-Live
    assert "Blocked: Test environment unreachable." in court_group
    assert "Sheriff&#x27;s Office: 3 open, 3 overdue" in html
    assert "DOJ: 1 open, 1 overdue" in html
    ccpor_group = section(html, "CCPOR Team:")
    assert "CCPOR Team: 12 open, 4 overdue" in ccpor_group
    # Finished items are not listed as open (the timeline still shows them).
    open_part = html[html.index('id="r-open"') : html.index('id="r-changes"')]
    assert "Participation letter sent to the court" not in open_part
    assert "Court Planning Guide delivered" in open_part
    # Groups come in the order Court, SO, CCPOR, DOJ.
    headings = re.findall(r'<h3 class="h5 mt-3">([^:]+):', html)
    assert headings == ["Court", "Sheriff&#x27;s Office", "CCPOR Team", "DOJ"]


def test_member_sees_own_court_without_internal_items(
    client, onboarding, court, court_lead
):
    internal = onboarding.items.get(order=23)
    assert internal.internal_only
    client.force_login(court_lead)

    response = client.get(report_url(court))

    assert response.status_code == 200
    html = response.content.decode()
    assert internal.title not in html
    assert "4 of 35 items finished" in html
    assert "CCPOR Team: 11 open, 4 overdue" in html


def test_member_of_another_court_gets_404(client, onboarding, court, other_lead):
    client.force_login(other_lead)
    assert client.get(report_url(court)).status_code == 404


def test_unknown_court_gets_404(client, staff_user):
    client.force_login(staff_user)
    url = reverse("portal:report", kwargs={"slug": "nowhere"})
    assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, court):
    response = client.get(report_url(court))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_recent_go_live_changes_are_listed(client, onboarding, court, staff_user):
    services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=TODAY + days(55),
        reason="Scanner delivery slipped.",
        by=staff_user,
        today=TODAY,
    )
    client.force_login(staff_user)
    html = client.get(report_url(court)).content.decode()
    assert "Scanner delivery slipped." in html
    assert "Apr 13, 2026" in html and "Apr 28, 2026" in html  # from, to
    assert "The Go-Live date has not moved." not in html


def test_court_without_onboarding_says_so(client, court, staff_user):
    client.force_login(staff_user)
    response = client.get(report_url(court))
    assert response.status_code == 200
    assert "onboarding has not started" in response.content.decode()


def test_report_with_everything_finished_says_nothing_is_open(
    client, start, court, staff_user
):
    onboarding = start(court, go_live_in=40)
    ChecklistItem.objects.filter(onboarding=onboarding).update(status="done")
    client.force_login(staff_user)
    html = client.get(report_url(court)).content.decode()
    assert "No open items" in html
    assert "36 of 36 items finished (100%)" in html


def test_report_query_count_does_not_grow_with_items(
    client, onboarding, court, staff_user, django_assert_num_queries
):
    client.force_login(staff_user)
    # 1 session, 2 user, 3 CCPOR Team group check, 4 court, 5 open onboarding,
    # 6 phases, 7 progress per phase, 8 items with phases, 9 Go-Live changes.
    with django_assert_num_queries(9):
        assert client.get(report_url(court)).status_code == 200

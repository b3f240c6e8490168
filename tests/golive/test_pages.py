"""The Go-Live pages and the court page's Go-Live panel: what each person sees, each
transition through its page (refusals listed and linked), the readiness summary
inside 30 days, a closed onboarding reading as history, starting an onboarding."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists.models import Onboarding
from golive import services
from golive.models import GoNoGoDecision, Transition
from tests.conftest import TODAY
from tests.factories import CourtFactory, days

pytestmark = pytest.mark.django_db


def url(name, court, **kwargs):
    return reverse(name, kwargs={"slug": court.slug, **kwargs})


def html_of(response) -> str:
    return response.content.decode()


def section(html: str, element_id: str) -> str:
    """The HTML from the element with this id to the end of its <section>."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


# --- The readiness and lifecycle page -------------------------------------------------


def test_members_read_the_go_live_page_staff_also_act(
    client, start, court, court_lead, staff_user, frozen_today
):
    start(court, go_live_in=20)
    client.force_login(court_lead)
    html = html_of(client.get(url("golive:readiness", court)))
    assert "Readiness checklist" in html and "Lifecycle history" in html
    assert "Mark the court live" not in html
    client.force_login(staff_user)
    html = html_of(client.get(url("golive:readiness", court)))
    assert "Mark the court live" in html and "Cancel the onboarding" in html


def test_mark_live_refused_on_the_page_lists_each_blocker_linked(
    client, start, court, staff_user, frozen_today
):
    onboarding = start(court, go_live_in=20)
    client.force_login(staff_user)
    response = client.post(url("golive:mark_live", court))
    assert response.status_code == 200
    refused = section(html_of(response), "refused").split("</div>")[0]
    gate = onboarding.items.get(order=14)
    item_url = url("checklists:item_detail", court, pk=gate.pk)
    assert (
        f'<a href="{item_url}" class="alert-link">Readiness gate 14. {gate.title} is '
        "not started; it waits for item " in refused
    )
    assert f'href="{url("golive:sign_offs", court)}"' in refused
    assert (
        f'<a href="{url("golive:decision", court)}" class="alert-link">No go/no-go '
        "decision has been recorded.</a>" in refused
    )
    onboarding.refresh_from_db()
    assert onboarding.status == "active"


def test_the_whole_walk_through_the_pages(
    client,
    start,
    court,
    court_lead,
    staff_user,
    make_ready,
    make_closable,
    frozen_today,
):
    onboarding = make_ready(start(court, go_live_in=20))
    client.force_login(staff_user)
    response = client.post(url("golive:mark_live", court), {"live-confirm": "on"})
    assert response["Location"] == court.get_absolute_url()
    onboarding.refresh_from_db()
    assert onboarding.status == "live"
    # Not closed out yet: the close lists what blocks.
    response = client.post(url("golive:close", court))
    assert response.status_code == 200 and "Closing is refused while" in html_of(
        response
    )
    make_closable(onboarding)
    response = client.post(url("golive:close", court), {"close-confirm": "on"})
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.status == "closed"
    # Closed: history only, and the reopen form for staff.
    html = html_of(client.get(url("golive:readiness", court)))
    assert "read-only history" in html and "Reopen the onboarding" in html
    response = client.post(url("golive:reopen", court), {"reopen-reason": ""})
    assert response.status_code == 200 and "This field is required." in html_of(
        response
    )
    response = client.post(url("golive:reopen", court), {"reopen-reason": "Letter"})
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.status == "live"
    kinds = list(
        Transition.objects.filter(onboarding=onboarding).values_list("kind", flat=True)
    )
    assert kinds == ["mark_live", "close", "reopen"]


def test_undo_live_through_the_page_needs_a_reason(
    client, live, court, staff_user, court_lead, frozen_today
):
    client.force_login(court_lead)
    assert client.post(url("golive:undo_live", court), {}).status_code == 403
    client.force_login(staff_user)
    response = client.post(url("golive:undo_live", court), {"undo-reason": " "})
    assert response.status_code == 200
    live.refresh_from_db()
    assert live.status == "live"
    response = client.post(
        url("golive:undo_live", court), {"undo-reason": "Marked live by mistake"}
    )
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.status == "active"
    # Active again: the court page links to the lifecycle history, which the
    # readiness page shows.
    html = html_of(client.get(court.get_absolute_url()))
    history_url = url("golive:readiness", court) + "#history-heading"
    assert history_url in section(html, "go-live")
    html = html_of(client.get(url("golive:readiness", court)))
    assert "Marked live by mistake" in section(html, "history-heading")


def test_a_refused_transition_of_the_wrong_status_is_said(
    client, start, court, staff_user, frozen_today
):
    start(court, go_live_in=20)
    client.force_login(staff_user)
    response = client.post(url("golive:close", court), follow=True)
    assert "Only a live onboarding can be closed; this one is active." in html_of(
        response
    )


# --- Go/no-go -------------------------------------------------------------------------


def test_the_decision_page_records_a_postponement_through_the_reschedule(
    client, start, court, staff_user, court_lead, frozen_today
):
    onboarding = start(court, go_live_in=20)
    client.force_login(court_lead)
    assert client.get(url("golive:decision", court)).status_code == 403
    client.force_login(staff_user)
    html = html_of(client.get(url("golive:decision", court)))
    assert "Readiness for Go-Live" in html
    response = client.post(
        url("golive:decision", court), {"decision": "postpone", "reason": ""}
    )
    assert response.status_code == 200
    assert "a no-go or a postponement needs its reason" in html_of(response)
    response = client.post(
        url("golive:decision", court),
        {
            "decision": "postpone",
            "reason": "Training room flooded",
            "new_go_live_date": (TODAY + days(41)).isoformat(),
        },
    )
    assert response["Location"] == url("golive:readiness", court)
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == TODAY + days(41)
    decision = GoNoGoDecision.objects.get()
    assert decision.go_live_change.new_date == TODAY + days(41)
    html = html_of(client.get(url("golive:decision", court)))
    assert "Training room flooded" in html


# --- The court page -------------------------------------------------------------------


def test_the_readiness_summary_shows_inside_thirty_days(
    client, start, court, court_lead, frozen_today
):
    onboarding = start(court, go_live_in=30)
    client.force_login(court_lead)
    panel = section(html_of(client.get(court.get_absolute_url())), "go-live")
    gates = onboarding.items.filter(is_readiness_gate=True).count()
    assert f"<strong>Gates:</strong> 0 of {gates} done" in panel
    assert "<strong>Acceptance sign-offs:</strong> 0 of 3 given" in panel
    assert "not yet decided" in panel
    assert f"Marking live is refused while {gates + 4} things block:" in panel
    gate = onboarding.items.get(order=14)
    assert url("checklists:item_detail", court, pk=gate.pk) in panel


def test_no_readiness_summary_further_out(
    client, start, court, court_lead, frozen_today
):
    start(court, go_live_in=31)
    client.force_login(court_lead)
    panel = section(html_of(client.get(court.get_absolute_url())), "go-live")
    assert "Gates:" not in panel
    assert "The readiness summary appears here from 30 days before Go-Live." in panel


def test_a_live_court_shows_its_close_out_summary(
    client, live, court, court_lead, staff_user, frozen_today
):
    client.force_login(staff_user)
    html = html_of(client.get(court.get_absolute_url()))
    assert "Move the Go-Live date" not in html  # only an active onboarding moves
    client.force_login(court_lead)
    panel = section(html_of(client.get(court.get_absolute_url())), "go-live")
    assert "<strong>Close-out sign-offs:</strong> 0 of 3 given" in panel
    assert "Closing is refused while" in panel
    assert 'aria-current="step">Live<' in panel


def test_a_closed_onboarding_reads_as_history_on_the_court_page(
    client, live, court, staff_user, make_closable, frozen_today
):
    services.onboarding_close(onboarding=make_closable(live), by=staff_user)
    client.force_login(staff_user)
    html = html_of(client.get(court.get_absolute_url()))
    summary = section(html, "court-summary") if 'id="court-summary"' in html else html
    for absent in ("Days to Go-Live", "Next mark", "overdue", "Move the Go-Live date"):
        assert absent not in summary.split('id="go-live"')[0], absent
    assert "Move the Go-Live date" not in html
    assert "Read-only history" in html
    assert 'aria-current="step">Closed<' in html
    # Nobody, CCPOR staff included, is offered a change to an item.
    assert 'name="status"' not in html and 'id="bulk-form"' not in html
    history = section(html, "go-live")
    assert history.count("<tr>") >= 4  # started, decision, live, closed


def test_the_court_page_query_count_does_not_grow_with_incidents(
    client, live, court, court_lead, frozen_today
):
    def report(n):
        for i in range(n):
            services.incident_report(
                onboarding=live,
                by=court_lead,
                title=f"Incident {i}",
                description="x",
                severity="P3",
                category="other",
            )

    client.force_login(court_lead)
    # A first view records the visit; the views measured below come within a minute
    # of it, so neither writes it again (notifications.services.VISIT_RESOLUTION).
    client.get(court.get_absolute_url())
    counts = []
    for n in (1, 10):
        report(n)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(court.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(captured))
    # The register is one query, the close-out summary four (items, sign-offs,
    # requests, serious incidents), however many incidents there are.
    assert counts[0] == counts[1]


# --- Starting an onboarding from the court page ---------------------------------------


def test_staff_start_an_onboarding_from_the_court_page(
    client, court, court_lead, staff_user, default_template, frozen_today
):
    client.force_login(court_lead)
    assert "Start the onboarding" not in html_of(client.get(court.get_absolute_url()))
    assert client.get(url("portal:onboarding_start", court)).status_code == 403
    client.force_login(staff_user)
    assert "Start the onboarding" in html_of(client.get(court.get_absolute_url()))
    response = client.post(
        url("portal:onboarding_start", court),
        {"go_live_date": (TODAY - days(1)).isoformat()},
    )
    assert response.status_code == 200 and "is in the past" in html_of(response)
    response = client.post(
        url("portal:onboarding_start", court),
        {
            "template": default_template.pk,
            "go_live_date": (TODAY + days(120)).isoformat(),
            "court_enters_carpos": "on",
        },
    )
    assert response["Location"] == court.get_absolute_url()
    onboarding = Onboarding.objects.get(court=court)
    assert onboarding.started_by == staff_user and onboarding.items.count() == 35
    assert (onboarding.court_enters_carpos, onboarding.so_participates) == (True, False)


def test_a_court_with_an_open_onboarding_cannot_start_another(
    client, start, court, staff_user, frozen_today
):
    start(court)
    client.force_login(staff_user)
    assert "Start the" not in html_of(client.get(court.get_absolute_url()))
    response = client.post(
        url("portal:onboarding_start", court),
        {"go_live_date": (TODAY + days(120)).isoformat()},
    )
    assert response.status_code == 200
    assert "Court A already has an open onboarding." in html_of(response)
    assert Onboarding.objects.filter(court=court).count() == 1


def test_a_cancelled_court_is_offered_a_new_onboarding(
    client, start, staff_user, frozen_today
):
    court = CourtFactory(name="Court C", slug="court-c")
    services.onboarding_cancel(onboarding=start(court), by=staff_user, reason="Paused")
    client.force_login(staff_user)
    html = html_of(client.get(court.get_absolute_url()))
    assert re.search(r"Start a new\s+onboarding", html)

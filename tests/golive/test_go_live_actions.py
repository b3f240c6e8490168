"""The Go-Live page's actions: "Mark the court live" (and "Close") shown as
unavailable, with what blocks it, while something does; each reason box inside the
form of its own action; mark live, close and cancel asking for confirmation, which
the server checks; a request without it still answered with the refusal's linked
blockers."""

import re

import pytest
from django.urls import reverse

from golive.models import Transition

pytestmark = pytest.mark.django_db


def url(name, court):
    return reverse(name, kwargs={"slug": court.slug})


def action(html: str, name: str) -> str:
    """The HTML of one action's block on the page (id="action-<name>")."""
    start = html.index(f'id="action-{name}"')
    end = html.find('<div class="lifecycle-action', start + 1)
    return html[start : end if end != -1 else html.index("</section>", start)]


def page(client, court) -> str:
    return client.get(url("golive:readiness", court)).content.decode()


def test_blocked_mark_live_is_shown_unavailable_with_what_blocks_it(
    client, start, court, staff_user, frozen_today
):
    onboarding = start(court, go_live_in=20)
    client.force_login(staff_user)
    live = action(page(client, court), "live")
    button = re.search(r"<button[^>]*>Mark the court live</button>", live)[0]
    assert " disabled" in button and 'aria-describedby="live-unavailable"' in button
    assert url("golive:mark_live", court) not in live  # no form to send
    gate = onboarding.items.get(order=14)
    assert "Not available while" in live
    assert f"Readiness gate 14. {gate.title} is not started" in live
    assert "No go/no-go decision has been recorded." in live
    # Listed once on the team's page: the summary points to the action.
    html = page(client, court)
    assert html.count("No go/no-go decision has been recorded.") == 1
    assert "Each is listed, linked, beside the action it blocks." in html


def test_members_read_the_blockers_in_the_summary(
    client, start, court, court_lead, frozen_today
):
    start(court, go_live_in=20)
    client.force_login(court_lead)
    html = page(client, court)
    assert "No go/no-go decision has been recorded." in html
    assert "beside the action" not in html and 'id="action-live"' not in html


def test_ready_mark_live_asks_for_confirmation(
    client, start, court, staff_user, make_ready, frozen_today
):
    onboarding = make_ready(start(court, go_live_in=20))
    client.force_login(staff_user)
    live = action(page(client, court), "live")
    assert f'action="{url("golive:mark_live", court)}"' in live
    assert 'type="checkbox" name="live-confirm"' in live
    assert f"Yes, {court.everyday_name} is live from today" in live
    assert "disabled" not in live

    # Not ticked: nothing changes, and the box says why.
    response = client.post(url("golive:mark_live", court))
    assert response.status_code == 200
    assert "Tick the box to confirm; nothing was changed." in action(
        response.content.decode(), "live"
    )
    onboarding.refresh_from_db()
    assert onboarding.status == "active"

    response = client.post(url("golive:mark_live", court), {"live-confirm": "on"})
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.status == "live"


def test_a_confirmed_but_blocked_request_is_refused_with_its_blockers(
    client, start, court, staff_user, frozen_today
):
    onboarding = start(court, go_live_in=20)
    client.force_login(staff_user)
    response = client.post(url("golive:mark_live", court), {"live-confirm": "on"})
    html = response.content.decode()
    assert 'id="refused"' in html and "No go/no-go decision has been recorded." in html
    onboarding.refresh_from_db()
    assert onboarding.status == "active"


def test_close_is_unavailable_while_blocked_then_asks_for_confirmation(
    client, live, court, staff_user, make_closable, frozen_today
):
    client.force_login(staff_user)
    close = action(page(client, court), "close")
    assert re.search(r"<button[^>]* disabled[^>]*>Close the onboarding</button>", close)
    assert "Not available while" in close
    assert url("golive:close", court) not in close

    make_closable(live)
    close = action(page(client, court), "close")
    assert 'type="checkbox" name="close-confirm"' in close
    client.post(url("golive:close", court))
    live.refresh_from_db()
    assert live.status == "live"
    client.post(url("golive:close", court), {"close-confirm": "on"})
    live.refresh_from_db()
    assert live.status == "closed"


def test_cancel_needs_its_reason_and_the_confirmation(
    client, start, court, staff_user, frozen_today
):
    onboarding = start(court, go_live_in=20)
    client.force_login(staff_user)
    response = client.post(url("golive:cancel", court), {"cancel-reason": "Withdrew"})
    assert "Tick the box to confirm" in action(response.content.decode(), "cancel")
    onboarding.refresh_from_db()
    assert onboarding.status == "active"
    client.post(
        url("golive:cancel", court),
        {"cancel-reason": "Withdrew", "cancel-confirm": "on"},
    )
    onboarding.refresh_from_db()
    assert onboarding.status == "cancelled"
    assert Transition.objects.get(onboarding=onboarding).reason == "Withdrew"


def test_each_reason_box_sits_in_the_form_of_its_own_action(
    client, start, court, staff_user, frozen_today
):
    start(court, go_live_in=20)
    client.force_login(staff_user)
    html = page(client, court)
    cancel = action(html, "cancel")
    form = re.search(r"<form[^>]*>.*?</form>", cancel, re.S)[0]
    assert f'action="{url("golive:cancel", court)}"' in form
    assert 'name="cancel-reason"' in form and "Why cancel the onboarding?" in form
    assert f"Yes, cancel {court.everyday_name}" in form
    # The mark-live block holds no reason box.
    assert "reason" not in action(html, "live")


def test_undo_live_keeps_its_reason_box_with_it(client, live, court, staff_user):
    client.force_login(staff_user)
    html = page(client, court)
    undo = action(html, "undo")
    assert f'action="{url("golive:undo_live", court)}"' in undo
    assert 'name="undo-reason"' in undo and "Why undo live?" in undo
    assert "reason" not in action(html, "close")
    # An empty reason comes back in the same block, with its error.
    response = client.post(url("golive:undo_live", court), {"undo-reason": " "})
    assert "This field is required." in action(response.content.decode(), "undo")


def test_the_gate_refusal_is_the_transitions_own_and_writes_nothing(
    start, court, staff_user, court_lead, make_ready
):
    from golive import services

    onboarding = start(court, go_live_in=20)
    asked = services.onboarding_gate_refusal(
        onboarding=onboarding, by=staff_user, kind="mark_live"
    )
    with pytest.raises(services.TransitionRefused) as refused:
        services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    assert isinstance(asked, services.TransitionRefused)
    assert asked.messages == refused.value.messages
    # Closing an active onboarding: the wrong status, in the transition's words.
    wrong = services.onboarding_gate_refusal(
        onboarding=onboarding, by=staff_user, kind="close"
    )
    assert wrong.messages == [
        "Only a live onboarding can be closed; this one is active."
    ]
    assert services.onboarding_gate_refusal(
        onboarding=onboarding, by=court_lead, kind="mark_live"
    ).messages == ["Only the CCPOR Team moves an onboarding through its lifecycle."]

    make_ready(onboarding)
    assert (
        services.onboarding_gate_refusal(
            onboarding=onboarding, by=staff_user, kind="mark_live"
        )
        is None
    )
    onboarding.refresh_from_db()
    assert onboarding.status == "active"
    assert not Transition.objects.filter(onboarding=onboarding).exists()

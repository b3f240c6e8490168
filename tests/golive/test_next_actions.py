""" "Your next actions" is one list for every role (portal.todo): a sign-off asked of
an executive officer, with who asked and their message, until she signs; the team's
own sign-off and go/no-go decision; incidents a person follows; and, once live,
every open item of theirs, the close-out ones included however early the court
went live."""

import pytest
from django.urls import reverse

from golive import services
from golive.models import SignOffKind, SignOffRole

from .stages import finish

pytestmark = pytest.mark.django_db


def next_actions(client, user, court) -> list:
    client.force_login(user)
    return client.get(reverse("portal:court", args=[court.slug])).context[
        "next_actions"
    ]


def test_an_executive_officer_asked_to_sign_sees_it_first_until_she_signs(
    client, start, court, court_eo, court_lead
):
    onboarding = start(court, go_live_in=20)
    onboarding.so_participates = False
    onboarding.save(update_fields=["so_participates"])
    # Before anyone asks: the court's items only (the EO answers for the Court).
    assert all(t.kind == "item" for t in next_actions(client, court_eo, court))
    services.sign_off_ask(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role=SignOffRole.EXECUTIVE_OFFICER,
        asked=court_eo,
        by=court_lead,
        message="Testing went well; please sign by Friday.",
    )
    todos = next_actions(client, court_eo, court)
    first = todos[0]
    assert first.kind == "sign_off"
    assert first.title == "Sign the acceptance testing sign-off"
    assert str(court_lead.get_full_name() or court_lead) in first.why
    assert "as court executive officer" in first.why
    assert first.message == "Testing went well; please sign by Friday."
    assert first.url == reverse("golive:sign_offs", args=[court.slug])
    page = client.get(reverse("portal:court", args=[court.slug])).content.decode()
    assert "Why you:" in page and "please sign by Friday" in page
    # Someone else at the court was not asked.
    assert all(t.kind != "sign_off" for t in next_actions(client, court_lead, court))
    services.sign_off_give(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role=SignOffRole.EXECUTIVE_OFFICER,
        by=court_eo,
        statement="Accepted.",
    )
    assert all(t.kind != "sign_off" for t in next_actions(client, court_eo, court))


def test_the_team_sees_its_own_sign_off_then_the_decision(
    client, start, court, court_eo, staff_user
):
    onboarding = start(court, go_live_in=20)
    onboarding.so_participates = False
    onboarding.save(update_fields=["so_participates"])
    finish(onboarding, by=staff_user, up_to=31)
    assert not [t for t in next_actions(client, staff_user, court) if t.kind != "item"]
    services.sign_off_give(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role=SignOffRole.EXECUTIVE_OFFICER,
        by=court_eo,
        statement="Accepted.",
    )
    [turn] = [t for t in next_actions(client, staff_user, court) if t.kind != "item"]
    assert turn.title == "Sign the CCPOR Team's acceptance testing line"
    assert "the CCPOR Team signs last" in turn.why
    services.sign_off_give(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role=SignOffRole.CCPOR,
        by=staff_user,
        statement="Accepted.",
    )
    [turn] = [t for t in next_actions(client, staff_user, court) if t.kind != "item"]
    assert turn.kind == "decision"
    assert turn.url == reverse("golive:decision", args=[court.slug])
    services.go_no_go_record(onboarding=onboarding, by=staff_user, decision="go")
    assert not [t for t in next_actions(client, staff_user, court) if t.kind != "item"]


def test_once_live_early_the_close_out_items_are_next(
    client, live, court, court_eo, staff_user
):
    """Marked live 20 days before the planned Go-Live: the items due after it (the
    close-out) are next at once, not after the planned date's marks."""
    after = set(
        live.items.open()
        .filter(due_date__gt=live.go_live_date)
        .values_list("pk", flat=True)
    )
    assert after
    court_items = {
        t.item.pk for t in next_actions(client, court_eo, court) if t.kind == "item"
    }
    court_after = set(
        live.items.filter(pk__in=after, actor="court").values_list("pk", flat=True)
    )
    assert court_after and court_after <= court_items


def test_incidents_a_person_follows(client, live, court, court_lead, staff_user):
    incident = services.incident_report(
        onboarding=live,
        by=court_lead,
        title="Orders cannot be saved",
        description="Every save fails.",
        severity="P2",
        category="carpos",
    )
    [mine] = [
        t for t in next_actions(client, court_lead, court) if t.kind == "incident"
    ]
    assert mine.why == "You reported it; it is open."
    [team] = [
        t for t in next_actions(client, staff_user, court) if t.kind == "incident"
    ]
    assert team.why.startswith("No one has answered it yet")
    services.incident_update(
        incident=incident,
        by=staff_user,
        status="investigating",
        owner=staff_user,
        severity="P2",
    )
    [team] = [
        t for t in next_actions(client, staff_user, court) if t.kind == "incident"
    ]
    assert team.why == "You own it for the CCPOR Team."
    services.incident_update(
        incident=incident,
        by=staff_user,
        status="resolved",
        owner=staff_user,
        severity="P2",
        resolution="Fixed.",
    )
    assert not [
        t for t in next_actions(client, staff_user, court) if t.kind == "incident"
    ]
    # Resolved, the reporter's word is awaited: the fix confirmed, or it reopens.
    [mine] = [
        t for t in next_actions(client, court_lead, court) if t.kind == "incident"
    ]
    assert mine.why == (
        "You reported it and it is resolved: confirm the fix or reopen it."
    )
    services.incident_follow_up(incident=incident, by=court_lead, action="confirm")
    for user in (court_lead, staff_user):
        assert not [
            t for t in next_actions(client, user, court) if t.kind == "incident"
        ]

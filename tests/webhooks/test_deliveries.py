"""Webhooks end to end against a real HTTP receiver on the loopback address: the
command registers an endpoint, a change made through a service is delivered after
commit, signed, with a stable delivery id; failures are retried, then pause the
endpoint and tell the CCPOR Team; court endpoints never see internal items or
other courts."""

import datetime

import pytest
from django.core.management import call_command

from checklists import services
from golive import services as golive_services
from notifications.models import Notification
from notifications.outbox import MAX_SEND_ATTEMPTS
from tests.conftest import TODAY
from tests.factories import force_status
from webhooks import sender
from webhooks import services as webhook_services
from webhooks.models import Delivery, Endpoint

from .conftest import SECRET

pytestmark = pytest.mark.django_db


def _add(receiver, *, events="all", **kwargs) -> Endpoint:
    return webhook_services.endpoint_add(
        name="Receiver",
        url=receiver.url,
        secret=SECRET,
        events=events,
        by=None,
        **kwargs,
    )


def _block(item, by):
    return services.item_set_status(
        item=item,
        status="blocked",
        reason="Circuit down.",
        by=by,
        expected_version=item.version,
    )


def test_the_command_registers_an_endpoint_and_a_change_is_delivered_signed(
    receiver,
    send_at_once,
    start,
    court,
    court_lead,
    django_capture_on_commit_callbacks,
    capsys,
):
    call_command(
        "webhooks",
        "add",
        "--url",
        receiver.url,
        "--secret",
        SECRET,
        "--events",
        "item.status_changed,incident.reported",
    )
    assert "Added webhook" in capsys.readouterr().out
    item = start(court).items.get(order=11)
    with django_capture_on_commit_callbacks(execute=True):
        _block(item, court_lead)
    [got] = receiver.received
    assert got["verified"]
    body = got["body"]
    assert body["id"] == got["delivery"]
    assert body["type"] == "item.status_changed"
    assert datetime.datetime.fromisoformat(body["timestamp"]).tzinfo is not None
    assert body["court"]["slug"] == court.slug
    assert body["data"]["item"]["status"] == "blocked"
    assert body["data"]["item"]["previous_status"] == "not_started"
    assert Delivery.objects.get().status == "sent"
    call_command("webhooks", "list")
    assert receiver.url in capsys.readouterr().out


def test_events_not_subscribed_to_are_not_sent(start, court, court_lead, receiver):
    _add(receiver, events="incident.reported")
    _block(start(court).items.get(order=11), court_lead)
    assert not Delivery.objects.exists()


def test_each_event_of_the_go_live_phase_is_recorded(
    receiver, start, court, court_lead, staff_user
):
    _add(receiver)
    onboarding = start(court)
    services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=TODAY + datetime.timedelta(days=120),
        reason="The circuit is late.",
        by=staff_user,
        today=TODAY,
    )
    golive_services.go_no_go_record(
        onboarding=onboarding, by=staff_user, decision="no_go", reason="Not ready."
    )
    force_status(onboarding, "live")
    incident = golive_services.incident_report(
        onboarding=onboarding,
        by=court_lead,
        title="Scanner",
        description="Page 3.",
        severity="P3",
    )
    golive_services.incident_update(
        incident=incident,
        by=staff_user,
        status="resolved",
        owner=None,
        severity="P3",
        resolution="Driver updated.",
    )
    events = set(Delivery.objects.values_list("event", flat=True))
    assert {
        "onboarding.go_live_moved",
        "onboarding.go_no_go_recorded",
        "incident.reported",
        "incident.resolved",
    } <= events


def test_a_court_endpoint_never_sees_internal_items_or_other_courts(
    receiver, start, court, other_court, court_lead, staff_user
):
    own = _add(receiver, court=court)
    every = _add(receiver)
    onboarding = start(court)
    internal = onboarding.items.get(order=23)
    assert internal.internal_only
    _block(internal, staff_user)
    _block(start(other_court).items.get(order=11), staff_user)
    _block(onboarding.items.get(order=11), court_lead)
    assert Delivery.objects.filter(endpoint=every).count() == 3
    [mine] = Delivery.objects.filter(endpoint=own)
    assert '"court-a"' in mine.body and "Circuit down." in mine.body
    assert internal.title not in mine.body


def test_a_failing_receiver_is_retried_then_paused_and_the_team_told(
    receiver, start, court, court_lead, staff_user
):
    endpoint = _add(receiver)
    _block(start(court).items.get(order=11), court_lead)
    delivery = Delivery.objects.get()
    receiver.status = 500
    for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
        result = sender.send_delivery(delivery.pk)
        assert not result.sent
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    assert delivery.status == "failed" and "HTTP 500" in delivery.error
    endpoint.refresh_from_db()
    assert endpoint.is_paused
    assert Notification.objects.filter(kind="webhook_paused").exists()
    # Every try carried the same delivery id, so the receiver can drop repeats.
    assert {r["delivery"] for r in receiver.received} == {str(delivery.delivery_id)}
    # Paused: nothing is sent, the event is kept.
    assert sender.send_delivery(delivery.pk).attempt is None
    receiver.status = 200
    assert webhook_services.endpoint_resume(endpoint=endpoint, by=staff_user) == 1
    assert sender.send_delivery(delivery.pk).sent
    assert receiver.received[-1]["delivery"] == str(delivery.delivery_id)


def test_a_teams_endpoint_gets_a_card_a_person_reads(
    receiver,
    send_at_once,
    start,
    court,
    court_lead,
    django_capture_on_commit_callbacks,
):
    _add(receiver, format=Endpoint.Format.TEAMS)
    with django_capture_on_commit_callbacks(execute=True):
        _block(start(court).items.get(order=11), court_lead)
    [got] = receiver.received
    assert got["verified"]
    [attachment] = got["body"]["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert "is now blocked" in card["body"][0]["text"]
    assert got["delivery"] in card["body"][-1]["text"]
    assert f"/courts/{court.slug}/items/" in card["actions"][0]["url"]


def test_the_roster_sweep_can_publish_a_person_expiring(receiver, court):
    _add(receiver, court=court)
    [delivery] = webhook_services.roster_person_expiring(
        court=court,
        name="Pat Lee",
        role="IT contact",
        expires_on=TODAY + datetime.timedelta(days=30),
    )
    assert delivery.event == "roster.person_expiring" and "Pat Lee" in delivery.body


def test_only_ccpor_staff_register_endpoints(court_lead, receiver):
    with pytest.raises(Exception, match="Only the CCPOR Team"):
        webhook_services.endpoint_add(
            name="x", url=receiver.url, secret=SECRET, events="all", by=court_lead
        )


def test_the_command_refuses_unknown_events_and_removes(receiver, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown event nope"):
        call_command(
            "webhooks",
            "add",
            "--url",
            receiver.url,
            "--secret",
            SECRET,
            "--events",
            "nope",
        )
    endpoint = _add(receiver)
    call_command("webhooks", "remove", str(endpoint.pk))
    assert not Endpoint.objects.exists()

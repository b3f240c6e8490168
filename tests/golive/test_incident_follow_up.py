"""Incidents keep their reporter in the loop: the reporter adds information, is
mailed when the incident is resolved, confirms the fix or reopens it, and the CCPOR
Team hears of each; on a live or closed-out court "Report an incident" is near the
top of the court page."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from golive import services
from golive.models import Incident, IncidentEvent
from notifications.models import Kind, Notification
from notifications.services import notifications_send_pending
from tests.factories import force_status

pytestmark = pytest.mark.django_db


def report(onboarding, by, severity="P3", **fields):
    values = {
        "title": "Scanner drops pages",
        "description": "The last page of long filings is missing.",
        "category": "scanning",
        **fields,
    }
    return services.incident_report(
        onboarding=onboarding, by=by, severity=severity, **values
    )


def respond(incident, by, **fields):
    values = {
        "status": incident.status,
        "owner": incident.owner,
        "severity": incident.severity,
        **fields,
    }
    return services.incident_update(incident=incident, by=by, **values)


def resolve(incident, by, resolution="Scanner driver updated"):
    return respond(incident, by, status="resolved", resolution=resolution)


def follow_up(incident, by, action, note=""):
    return services.incident_follow_up(
        incident=incident, by=by, action=action, note=note
    )


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def detail_url(incident) -> str:
    return reverse(
        "golive:incident_detail",
        kwargs={"slug": incident.onboarding.court.slug, "pk": incident.pk},
    )


# --- Adding information ---------------------------------------------------------------


def test_the_reporter_adds_information_and_the_owner_is_told(
    live, court_lead, staff_user
):
    incident = respond(report(live, court_lead), staff_user, status="investigating")
    incident = follow_up(incident, court_lead, "add", "It happens on scanner 2 only.")
    event = incident.events.last()
    assert (event.from_status, event.to_status, event.by) == (
        "investigating",
        "investigating",
        court_lead,
    )
    assert event.changes == "Information added by the reporter"
    assert event.note == "It happens on scanner 2 only."
    [told] = Notification.objects.filter(kind=Kind.INCIDENT_FOLLOW_UP)
    assert told.recipient == staff_user  # the owner, not the whole team
    assert notifications_send_pending(everything=True)
    [message] = sent_to(staff_user.email)
    assert "lead-a adds information" in message.subject + message.body
    assert "It happens on scanner 2 only." in message.body
    assert detail_url(incident) in message.body


def test_news_of_an_incident_nobody_owns_goes_to_the_team(live, court_lead):
    incident = follow_up(report(live, court_lead), court_lead, "add", "Also scanner 3")
    [told] = Notification.objects.filter(kind=Kind.INCIDENT_FOLLOW_UP)
    assert told.recipient is None and told.address == "ccpor-team@example.org"
    assert told.about == incident and told.data == {"action": "add"}


def test_adding_needs_a_note_and_an_unresolved_incident(live, court_lead, staff_user):
    incident = report(live, court_lead)
    with pytest.raises(ValidationError) as info:
        follow_up(incident, court_lead, "add", "  ")
    assert info.value.message_dict == {"note": ["Say what you add."]}
    incident = resolve(incident, staff_user)
    with pytest.raises(ValidationError, match="The incident is resolved: confirm"):
        follow_up(incident, court_lead, "add", "More")
    assert incident.events.count() == 2  # reported, resolved


def test_only_the_reporter_follows_up(
    live, court, court_lead, court_liaison, staff_user, other_lead
):
    incident = report(live, court_lead)
    for person in (court_liaison, staff_user, other_lead):
        with pytest.raises(ValidationError, match="Only the person who reported"):
            follow_up(incident, person, "add", "Me too")
    # A reporter who has left the court no longer follows its incidents.
    court.memberships.filter(user=court_lead).delete()
    former = type(court_lead).objects.get(pk=court_lead.pk)  # no cached membership
    with pytest.raises(ValidationError, match="Only this court's members and the"):
        follow_up(incident, former, "add", "Still here")
    with pytest.raises(ValidationError, match="is not something a reporter does"):
        follow_up(incident, staff_user, "escalate", "Now")
    assert incident.events.count() == 1


def test_a_cancelled_onboardings_incidents_take_no_follow_up(
    live, court_lead, staff_user
):
    incident = report(live, court_lead)
    force_status(live, "cancelled")
    incident.refresh_from_db()
    with pytest.raises(ValidationError, match="cancelled: it is read-only history"):
        follow_up(incident, court_lead, "add", "More")


# --- Resolved: the reporter is mailed, confirms or reopens --------------------------


def test_resolving_mails_the_reporter_once_with_the_resolution(
    live, court_lead, staff_user
):
    incident = resolve(report(live, court_lead), staff_user)
    [notice] = Notification.objects.filter(kind=Kind.INCIDENT_RESOLVED)
    assert notice.recipient == court_lead and notice.about == incident
    assert notifications_send_pending(everything=True)
    [message] = sent_to(court_lead.email)
    assert f"Incident #{incident.pk} “Scanner drops pages” is resolved" in message.body
    assert "Resolution: Scanner driver updated" in message.body
    assert "Confirm the fix, or reopen the incident" in message.body
    assert detail_url(incident) in message.body
    # A later change of the resolution mails nobody again.
    respond(incident, staff_user, resolution="Driver 4.2 installed")
    assert Notification.objects.filter(kind=Kind.INCIDENT_RESOLVED).count() == 1


def test_a_resolution_reopened_before_its_mail_leaves_is_not_sent(
    live, court_lead, staff_user
):
    incident = resolve(report(live, court_lead), staff_user)
    respond(incident, staff_user, status="investigating", note="Not fixed after all")
    notifications_send_pending(everything=True)
    assert sent_to(court_lead.email) == []
    notice = Notification.objects.get(kind=Kind.INCIDENT_RESOLVED)
    assert notice.status == "skipped"
    assert notice.error == "What it said is no longer true."


def test_an_earlier_resolution_is_not_sent_once_another_replaces_it(
    live, court_lead, staff_user
):
    incident = resolve(report(live, court_lead), staff_user, "Driver updated")
    incident = respond(incident, staff_user, status="investigating", note="Again")
    resolve(incident, staff_user, "Feeder replaced")
    notifications_send_pending(everything=True)
    [message] = sent_to(court_lead.email)
    assert "Feeder replaced" in message.body and "Driver updated" not in message.body


def test_resolving_ones_own_report_mails_nobody(live, staff_user):
    resolve(report(live, staff_user), staff_user)
    assert not Notification.objects.filter(kind=Kind.INCIDENT_RESOLVED).exists()


def test_the_reporter_confirms_the_fix_once(live, court_lead, staff_user):
    incident = report(live, court_lead)
    with pytest.raises(ValidationError, match="not resolved yet: add information"):
        follow_up(incident, court_lead, "confirm")
    incident = follow_up(resolve(incident, staff_user), court_lead, "confirm")
    assert incident.status == "resolved" and incident.fix_confirmed_at is not None
    assert not incident.awaits_reporter
    assert incident.events.last().changes == "Fix confirmed by the reporter"
    assert Notification.objects.get(kind=Kind.INCIDENT_FOLLOW_UP).recipient == (
        staff_user
    )
    for action in ("confirm", "reopen"):
        with pytest.raises(ValidationError, match="You confirmed the fix on"):
            follow_up(incident, court_lead, action, "It broke again")
    # The CCPOR Team may still reopen it: the confirmation no longer stands.
    incident = respond(incident, staff_user, status="investigating", note="Recheck")
    assert incident.fix_confirmed_at is None


def test_the_reporter_reopens_saying_why(live, court_lead, staff_user):
    incident = resolve(report(live, court_lead, severity="P2"), staff_user)
    with pytest.raises(ValidationError) as info:
        follow_up(incident, court_lead, "reopen")
    assert info.value.message_dict == {
        "note": ["Say why the incident is reopened: what still goes wrong."]
    }
    incident = follow_up(incident, court_lead, "reopen", "Pages still go missing")
    assert incident.status == "investigating" and incident.is_unresolved
    assert incident.resolution == "" and incident.resolved_at is None
    assert incident.responded_at is not None  # the first response stays on record
    event = incident.events.last()
    assert (event.from_status, event.to_status, event.note) == (
        "resolved",
        "investigating",
        "Pages still go missing",
    )
    assert event.changes == (
        "Reopened by the reporter; Resolution withdrawn: Scanner driver updated"
    )
    told = Notification.objects.get(kind=Kind.INCIDENT_FOLLOW_UP)
    assert (told.recipient, told.text) == (staff_user, "Pages still go missing")
    assert "lead-a reopens it" in told.subject
    # Back in the team's hands: resolving it again mails the reporter again.
    resolve(incident, staff_user, resolution="Feeder replaced")
    assert Notification.objects.filter(kind=Kind.INCIDENT_RESOLVED).count() == 2


def test_a_closed_out_courts_incident_is_followed_up(
    live, make_closable, court_lead, staff_user
):
    incident = report(live, court_lead, severity="P4")
    services.onboarding_close(onboarding=make_closable(live), by=staff_user)
    incident.refresh_from_db()
    incident = resolve(incident, staff_user)
    incident = follow_up(incident, court_lead, "reopen", "Not fixed")
    assert incident.status == "investigating"


# --- Pages ----------------------------------------------------------------------------


def test_the_reporter_adds_information_on_the_incident_page(
    client, live, court, court_lead, court_liaison
):
    incident = report(live, court_lead)
    url = reverse(
        "golive:incident_follow_up", kwargs={"slug": court.slug, "pk": incident.pk}
    )
    client.force_login(court_liaison)
    assert "add information" not in client.get(detail_url(incident)).content.decode()
    assert client.post(url, {"action": "add", "note": "Me too"}).status_code == 403
    client.force_login(court_lead)
    html = client.get(detail_url(incident)).content.decode()
    assert "You reported it: add information" in html and "Is it fixed?" not in html
    response = client.post(url, {"action": "add", "note": ""})
    assert response.status_code == 200
    assert "Say what you add." in response.content.decode()
    response = client.post(url, {"action": "add", "note": "Only on scanner 2"})
    assert response["Location"] == detail_url(incident)
    assert IncidentEvent.objects.filter(note="Only on scanner 2").exists()


def test_the_reporter_confirms_or_reopens_on_the_incident_page(
    client, live, court, court_lead, staff_user
):
    incident = resolve(report(live, court_lead), staff_user)
    url = reverse(
        "golive:incident_follow_up", kwargs={"slug": court.slug, "pk": incident.pk}
    )
    client.force_login(court_lead)
    html = client.get(detail_url(incident)).content.decode()
    assert "Is it fixed?" in html
    assert 'value="confirm"' in html and 'value="reopen"' in html
    response = client.post(url, {"action": "reopen", "note": ""})
    assert "Say why the incident is reopened" in response.content.decode()
    response = client.post(url, {"action": "confirm", "note": ""})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.fix_confirmed_at is not None
    html = client.get(detail_url(incident)).content.decode()
    assert "You confirmed the fix" in html and 'value="reopen"' not in html


def test_the_report_form_files_under_other_by_default(client, live, court, court_lead):
    client.force_login(court_lead)
    html = client.get(
        reverse("golive:incident_report", kwargs={"slug": court.slug})
    ).content.decode()
    assert '<option value="other" selected>Other</option>' in html
    assert html.count(" selected>") == 1


@pytest.mark.parametrize("status", ["live", "closed"])
def test_report_an_incident_is_near_the_top_of_a_live_or_closed_court_page(
    client, start, court, court_lead, status
):
    force_status(start(court), status)
    client.force_login(court_lead)
    html = client.get(court.get_absolute_url()).content.decode()
    report_url = reverse("golive:incident_report", kwargs={"slug": court.slug})
    link = f'href="{report_url}">Report an incident</a>'
    assert html.index(link) < html.index('id="go-live-heading"') + 1000
    assert html.index(link) < html.index('id="checklist-heading"')
    assert client.get(report_url).status_code == 200


def test_no_report_link_before_go_live(client, start, court, court_lead):
    start(court)
    client.force_login(court_lead)
    html = client.get(court.get_absolute_url()).content.decode()
    assert "Report an incident" not in html
    url = reverse("golive:incident_report", kwargs={"slug": court.slug})
    assert client.get(url).status_code == 403


def test_a_closed_out_courts_member_reports_through_the_page(
    client, start, court, court_lead
):
    force_status(start(court), "closed")
    client.force_login(court_lead)
    response = client.post(
        reverse("golive:incident_report", kwargs={"slug": court.slug}),
        {
            "title": "Cannot open an order",
            "description": "The viewer spins.",
            "severity": "P2",
            "category": "other",
        },
    )
    incident = Incident.objects.get()
    assert response["Location"] == detail_url(incident)
    assert incident.onboarding.status == "closed"

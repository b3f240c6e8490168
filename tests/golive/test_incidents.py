"""Incidents after Go-Live: who reports them and when, their response targets, the
mail they send (and that a mail failure never undoes the report), the CCPOR Team's
response, the register on the pages."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from golive import emails, services, tasks
from golive.models import Incident, IncidentEvent, IncidentMail, past_target_q
from notifications.outbox import CLAIM_TIMEOUT
from tests.factories import MembershipFactory, force_status

from .stages import queued

pytestmark = pytest.mark.django_db

PACIFIC = datetime.timezone(datetime.timedelta(hours=-8))  # March 4, 2026: PST


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


def update(incident, by, **fields):
    values = {
        "status": incident.status,
        "owner": incident.owner,
        "severity": incident.severity,
        **fields,
    }
    return services.incident_update(incident=incident, by=by, **values)


# --- Reporting ------------------------------------------------------------------------


def test_members_of_the_court_and_staff_report_on_a_live_court(
    live, court, court_lead, court_liaison, staff_user, other_lead
):
    viewer = MembershipFactory(court=court, role="viewer").user
    for person in (court_lead, court_liaison, viewer, staff_user):
        incident = report(live, person)
        assert incident.reported_by == person and incident.status == "open"
    with pytest.raises(ValidationError, match="Only this court's members and the"):
        report(live, other_lead)
    assert Incident.objects.count() == 4


@pytest.mark.parametrize("status", ["active", "cancelled"])
def test_incidents_are_reported_once_the_court_is_live(
    start, court, court_lead, status
):
    onboarding = force_status(start(court), status)
    with pytest.raises(
        ValidationError,
        match=f"Incidents are reported once the court is live; this onboarding is "
        f"{status}.",
    ):
        report(onboarding, court_lead)
    assert not Incident.objects.exists()


def test_incidents_are_reported_after_the_close_out(
    live, make_closable, court_lead, staff_user
):
    closed = services.onboarding_close(onboarding=make_closable(live), by=staff_user)
    assert closed.status == "closed"
    incident = report(closed, court_lead, severity="P2")
    assert incident.onboarding == closed and incident.status == "open"
    assert IncidentMail.objects.filter(incident=incident).exists()


def test_a_report_without_a_category_is_filed_under_other(live, court_lead):
    incident = services.incident_report(
        onboarding=live,
        by=court_lead,
        title="Odd banner",
        description="A banner shows twice.",
        severity="P4",
    )
    assert incident.category == Incident.Category.OTHER


def test_a_report_names_each_missing_or_wrong_field(live, court_lead):
    with pytest.raises(ValidationError) as info:
        services.incident_report(
            onboarding=live,
            by=court_lead,
            title=" ",
            description="",
            severity="P5",
            category="weather",
        )
    assert info.value.message_dict == {
        "title": ["Give the incident a short title."],
        "description": ["Describe what happens (never protective-order data)."],
        "severity": ["Choose a severity from P1 to P4."],
        "category": ["Choose a category."],
    }


def test_a_report_is_recorded_as_the_first_step(live, court_lead):
    incident = report(live, court_lead, severity="P2", category="carpos")
    [event] = IncidentEvent.objects.filter(incident=incident)
    assert (event.from_status, event.to_status, event.by) == ("", "open", court_lead)
    assert event.changes == "Reported (P2, CARPOS/DOJ)"


# --- Response targets -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "reported", "due"),
    [
        # P1: one hour, around the clock (a Saturday night too).
        ("P1", (2026, 3, 7, 22, 30), (2026, 3, 7, 23, 30)),
        # P2: 4 business hours; Wednesday 3 pm + 2 h that day + 2 h Thursday.
        ("P2", (2026, 3, 4, 15, 0), (2026, 3, 5, 10, 0)),
        # P2 on a Friday evening: counted from Monday 8 am.
        ("P2", (2026, 3, 6, 19, 0), (2026, 3, 9, 12, 0)),
        # P3: 2 business days, the same time two working days later.
        ("P3", (2026, 3, 6, 10, 0), (2026, 3, 10, 10, 0)),
        # P4: 5 business days; reported Sunday, counted from Monday 8 am.
        ("P4", (2026, 3, 1, 12, 0), (2026, 3, 6, 17, 0)),
    ],
)
def test_the_response_target_follows_the_severity(
    live, court_lead, severity, reported, due
):
    with freeze_time(datetime.datetime(*reported, tzinfo=PACIFIC)):
        incident = report(live, court_lead, severity=severity)
    local_due = timezone.localtime(incident.respond_by).replace(tzinfo=None)
    assert local_due == datetime.datetime(*due)


def test_past_target_flags_an_unanswered_incident_only(live, court_lead, staff_user):
    with freeze_time("2026-03-04 18:00:00"):  # 10 am Pacific
        incident = report(live, court_lead, severity="P1")
    due = incident.respond_by
    assert not incident.is_past_target(due - datetime.timedelta(minutes=1))
    assert incident.is_past_target(due + datetime.timedelta(minutes=1))
    later = due + datetime.timedelta(minutes=1)
    assert Incident.objects.filter(past_target_q(later)).get() == incident
    update(incident, staff_user, status="investigating")
    incident.refresh_from_db()
    assert not incident.is_past_target(later)
    assert not Incident.objects.filter(past_target_q(later)).exists()
    assert incident.responded_late  # answered after the hour


# --- Mail ---------------------------------------------------------------------------


def test_a_p1_mails_the_team_at_once_and_the_courts_lead(
    live, court_lead, court_liaison, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks() as callbacks:
        incident = report(live, court_liaison, severity="P1", category="carpos")
    assert queued(callbacks) == [(tasks.send_incident_mail, (incident.pk,))]
    assert tasks.send_incident_mail(incident.pk) == 2
    alert, notice = mail.outbox
    assert alert.to == [settings.CCPOR_TEAM_EMAIL]
    assert alert.subject.startswith("[P1] CCPOR incident at County")
    assert "Scanner drops pages" in alert.body
    url = reverse(
        "golive:incident_detail", kwargs={"slug": "court-a", "pk": incident.pk}
    )
    assert settings.SITE_URL + url in alert.body
    assert notice.to == ["lead-a@example.org"]
    assert f"incident #{incident.pk} (P1)" in notice.subject
    assert "1 hour, around the clock" in notice.body


@pytest.mark.parametrize("severity", ["P3", "P4"])
def test_p3_and_p4_mail_the_courts_lead_only(live, court_lead, severity):
    incident = report(live, court_lead, severity=severity)
    assert tasks.send_incident_mail(incident.pk) == 1
    [notice] = mail.outbox
    assert notice.to == ["lead-a@example.org"]


def test_the_mail_goes_once_however_often_the_task_runs(live, court_lead):
    incident = report(live, court_lead, severity="P2")
    assert tasks.send_incident_mail(incident.pk) == 2
    assert tasks.send_incident_mail(incident.pk) == 0
    assert len(mail.outbox) == 2
    sent = IncidentMail.objects.get(incident=incident)
    assert (sent.status, sent.attempts, sent.sent_at is not None) == ("sent", 1, True)


def test_a_mail_server_failure_is_retried_with_backoff_then_sent(
    live, court_lead, monkeypatch
):
    incident = report(live, court_lead, severity="P2")
    real_send, calls = EmailBackend.send_messages, []

    def flaky(self, messages):
        calls.append(IncidentMail.objects.get(incident=incident).status)
        if len(calls) <= 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    countdowns, real_retry = [], tasks.send_incident_mail.retry

    def retry(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return real_retry(*args, **kwargs)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    monkeypatch.setattr(tasks.send_incident_mail, "retry", retry)
    result = tasks.send_incident_mail.apply(args=[incident.pk])
    assert result.successful() and result.get() == 2
    assert countdowns == [60, 120]
    # Each attempt claimed the mail afresh: the failed ones put it back as owed.
    assert calls == ["claimed"] * 3
    assert len(mail.outbox) == 2
    assert IncidentMail.objects.get(incident=incident).attempts == 3


def test_a_broker_failure_never_undoes_the_report(
    client, live, court, court_lead, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_incident_mail, "delay", broker_down)
    client.force_login(court_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("golive:incident_report", kwargs={"slug": court.slug}),
            {
                "title": "Cannot reach CCPOR",
                "description": "Timeouts since 9 am.",
                "severity": "P1",
                "category": "connectivity",
            },
        )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.title == "Cannot reach CCPOR"
    # The mail stays owed, for the backstop to send.
    assert incident.mail.status == "pending" and mail.outbox == []


def test_the_backstop_sends_a_mail_whose_task_was_lost_once(live, court_lead):
    incident = report(live, court_lead, severity="P2")  # its task never runs here
    # Too soon: its own task may still come.
    assert tasks.send_pending_incident_mail.apply().get() == 0
    later = timezone.now() + emails.BACKSTOP_AFTER + datetime.timedelta(seconds=1)
    with freeze_time(later):
        assert tasks.send_pending_incident_mail.apply().get() == 2
        assert tasks.send_pending_incident_mail.apply().get() == 0
    assert len(mail.outbox) == 2
    assert IncidentMail.objects.get(incident=incident).status == "sent"
    assert tasks.send_incident_mail(incident.pk) == 0  # the late task: nothing left


def test_the_backstop_resumes_a_mail_whose_worker_died_after_the_claim_timeout(
    live, court_lead
):
    incident = report(live, court_lead, severity="P3")
    claimed = timezone.now() + emails.BACKSTOP_AFTER
    IncidentMail.objects.filter(incident=incident).update(
        status="claimed", claim_token="dead-task", claimed_at=claimed, attempts=1
    )
    with freeze_time(claimed + datetime.timedelta(minutes=1)):
        assert emails.incident_mail_send_pending() == []
    with freeze_time(claimed + CLAIM_TIMEOUT + datetime.timedelta(seconds=1)):
        [delivery] = emails.incident_mail_send_pending()
    assert delivery.sent and delivery.value == 1
    row = IncidentMail.objects.get(incident=incident)
    assert (row.status, row.attempts) == ("sent", 2)


def test_the_mail_is_sent_again_from_the_admin(
    live, court_lead, admin_client, monkeypatch
):
    incident = report(live, court_lead, severity="P3")
    assert tasks.send_incident_mail(incident.pk) == 1
    queued = []
    monkeypatch.setattr(tasks, "queue", lambda *args: queued.append(args))
    response = admin_client.post(
        reverse("admin:golive_incident_changelist"),
        {"action": "send_mail_again", "_selected_action": [incident.pk]},
    )
    assert response.status_code == 302
    assert queued == [(tasks.send_incident_mail, incident.pk)]
    row = IncidentMail.objects.get(incident=incident)
    assert (row.status, row.attempts, row.error) == ("pending", 0, "")
    assert tasks.send_incident_mail(incident.pk) == 1
    assert len(mail.outbox) == 2


def test_no_lead_mail_when_the_court_has_no_project_lead(live, court_liaison):
    incident = report(live, court_liaison, severity="P2")
    live.court.memberships.filter(role="project_lead").delete()
    assert tasks.send_incident_mail(incident.pk) == 1
    [alert] = mail.outbox
    assert alert.to == ["ccpor-team@example.org"]


# --- The CCPOR Team's response --------------------------------------------------------


def test_the_first_response_is_recorded_and_the_responder_owns_it(
    live, court_lead, staff_user
):
    incident = report(live, court_lead)
    incident = update(incident, staff_user, status="investigating", note="Looking")
    assert incident.responded_by == staff_user and incident.responded_at is not None
    assert incident.owner == staff_user
    event = incident.events.last()
    assert (event.from_status, event.to_status, event.note, event.by) == (
        "open",
        "investigating",
        "Looking",
        staff_user,
    )
    assert event.changes == "Owner: staff"


def test_resolving_needs_the_resolution_and_reopening_a_note(
    live, court_lead, staff_user
):
    incident = report(live, court_lead)
    with pytest.raises(ValidationError) as info:
        update(incident, staff_user, status="resolved")
    assert info.value.message_dict == {
        "resolution": ["Say how the incident was resolved."]
    }
    incident = update(
        incident, staff_user, status="resolved", resolution="Scanner driver updated"
    )
    assert incident.resolved_by == staff_user and incident.responded_at is not None
    with pytest.raises(ValidationError) as info:
        update(incident, staff_user, status="investigating")
    assert info.value.message_dict == {"note": ["Say why the incident is reopened."]}
    incident = update(
        incident, staff_user, status="investigating", note="Pages missing again"
    )
    assert incident.resolution == "" and incident.resolved_at is None
    assert (
        "Resolution withdrawn: Scanner driver updated" in incident.events.last().changes
    )


def test_an_incident_does_not_go_back_to_open(live, court_lead, staff_user):
    incident = update(report(live, court_lead), staff_user, status="investigating")
    with pytest.raises(ValidationError) as info:
        update(incident, staff_user, status="open")
    assert info.value.message_dict == {
        "status": ["An incident that is investigating cannot become open."]
    }


def test_a_new_severity_moves_the_target(live, court_lead, staff_user):
    with freeze_time("2026-03-04 18:00:00"):  # Wednesday 10 am Pacific
        incident = report(live, court_lead, severity="P4")
        incident = update(incident, staff_user, severity="P1", note="Worse than said")
    assert incident.respond_by == incident.reported_at + datetime.timedelta(hours=1)
    assert incident.events.last().changes == "Severity P4 → P1"


def test_only_staff_respond_and_nothing_is_a_refusal(
    live, court_lead, court_eo, staff_user
):
    incident = report(live, court_lead)
    for person in (court_lead, court_eo):
        with pytest.raises(ValidationError, match="Only the CCPOR Team responds"):
            update(incident, person, status="investigating")
    with pytest.raises(ValidationError, match="Nothing changed"):
        update(incident, staff_user)
    with pytest.raises(ValidationError) as info:
        update(incident, staff_user, owner=court_lead)
    assert info.value.message_dict == {"owner": ["lead-a is not in the CCPOR Team."]}


def test_a_closed_out_courts_incidents_are_still_answered(
    live, make_closable, court_lead, staff_user
):
    incident = report(live, court_lead, severity="P4")
    services.onboarding_close(onboarding=make_closable(live), by=staff_user)
    incident.refresh_from_db()
    assert incident.onboarding.status == "closed"
    incident = update(incident, staff_user, status="investigating", note="On it")
    assert incident.status == "investigating"


def test_a_cancelled_onboardings_incidents_are_read_only(live, court_lead, staff_user):
    incident = report(live, court_lead, severity="P4")
    services.onboarding_undo_live(onboarding=live, by=staff_user, reason="Too early")
    services.onboarding_cancel(onboarding=live, by=staff_user, reason="Withdrawn")
    incident.refresh_from_db()
    with pytest.raises(ValidationError, match="cancelled: it is read-only history"):
        update(incident, staff_user, status="investigating")


# --- Pages ----------------------------------------------------------------------------


def test_the_report_form_warns_against_protective_order_data(
    client, live, court, court_lead
):
    client.force_login(court_lead)
    html = client.get(
        reverse("golive:incident_report", kwargs={"slug": court.slug})
    ).content.decode()
    assert "No protective-order data." in html
    assert "party" in html and "CLETS messages" in html
    assert "P1 – orders cannot be entered or seen; public safety" in html
    assert "first response within 4 business hours" in html


def test_reporting_through_the_page(client, live, court, court_lead):
    client.force_login(court_lead)
    url = reverse("golive:incident_report", kwargs={"slug": court.slug})
    response = client.post(url, {"title": "", "description": "x", "severity": "P3"})
    assert response.status_code == 200 and not Incident.objects.exists()
    response = client.post(
        url,
        {
            "title": "Slow search",
            "description": "Searches take a minute.",
            "severity": "P3",
            "category": "connectivity",
        },
    )
    incident = Incident.objects.get()
    assert response["Location"] == reverse(
        "golive:incident_detail", kwargs={"slug": court.slug, "pk": incident.pk}
    )


def test_staff_respond_through_the_incident_page(
    client, live, court, court_lead, staff_user
):
    incident = report(live, court_lead)
    url = reverse(
        "golive:incident_detail", kwargs={"slug": court.slug, "pk": incident.pk}
    )
    client.force_login(court_lead)
    html = client.get(url).content.decode()
    assert "CCPOR Team: respond" not in html
    client.force_login(staff_user)
    assert "CCPOR Team: respond" in client.get(url).content.decode()
    response = client.post(
        url + "update/",
        {"status": "resolved", "severity": "P3", "resolution": ""},
    )
    assert response.status_code == 200
    assert "Say how the incident was resolved." in response.content.decode()
    response = client.post(
        url + "update/",
        {"status": "resolved", "severity": "P3", "resolution": "Driver updated"},
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.owner == staff_user


def test_the_court_page_shows_its_register_and_flags_what_is_past_target(
    client, live, court, court_lead, other_court, other_lead, start
):
    with freeze_time("2026-03-04 18:00:00"):
        report(live, court_lead, severity="P1", title="Orders cannot be saved")
        report(live, court_lead, severity="P4", title="Typo on a label")
    client.force_login(court_lead)
    with freeze_time("2026-03-04 19:30:00"):  # 90 minutes later
        html = client.get(court.get_absolute_url()).content.decode()
    register = html[html.index('id="incidents"') :]
    assert "Orders cannot be saved" in register and "Typo on a label" in register
    assert register.count("Past target") == 1
    assert "1 past the response target" in html
    # Another court's members see neither the incidents nor the register.
    start(other_court)
    client.force_login(other_lead)
    other = client.get(other_court.get_absolute_url()).content.decode()
    assert "Orders cannot be saved" not in other
    assert (
        client.get(reverse("golive:incidents", kwargs={"slug": court.slug})).status_code
        == 404
    )

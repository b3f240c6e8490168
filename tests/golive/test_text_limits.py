"""Every text of the Go-Live phase has a length limit and refuses control
characters, on the pages and in the services: incident descriptions, notes and
resolutions, sign-off statements and messages, and every reason (go/no-go, undo
live, cancel, reopen, revoking a sign-off)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ccpor_onboard.lib.bounds import DESCRIPTION_MAX, NOTE_MAX, REASON_MAX
from golive import services
from golive.models import Incident, SignOff, SignOffKind, Transition

pytestmark = pytest.mark.django_db


def _incident(live, by):
    return services.incident_report(
        onboarding=live,
        by=by,
        title="Scanner drops pages",
        description="The last page is missing.",
        severity="P3",
        category="scanning",
    )


def test_an_incident_report_refuses_a_long_description_or_a_title_with_controls(
    client, live, court_lead
):
    client.force_login(court_lead)
    url = reverse("golive:incident_report", kwargs={"slug": "court-a"})
    for fields, message in (
        ({"description": "d" * (DESCRIPTION_MAX + 1)}, "at most 5000 characters"),
        ({"title": "Scanner\x1b drops"}, "no line breaks or control characters"),
        ({"description": "a\x00b"}, "Null characters are not allowed"),
    ):
        data = {
            "title": "Scanner drops pages",
            "description": "Missing pages.",
            "severity": "P3",
            "category": "scanning",
            **fields,
        }
        response = client.post(url, data)
        assert response.status_code == 200, fields
        assert message in response.content.decode(), fields
    assert not Incident.objects.exists()
    with pytest.raises(ValidationError) as caught:
        services.incident_report(
            onboarding=live,
            by=court_lead,
            title="t" * 201,
            description="d" * (DESCRIPTION_MAX + 1),
            severity="P3",
            category="scanning",
        )
    assert set(caught.value.message_dict) == {"title", "description"}


def test_an_incident_update_refuses_a_long_note_or_resolution(
    client, live, court_lead, staff_user
):
    incident = _incident(live, court_lead)
    client.force_login(staff_user)
    url = reverse(
        "golive:incident_update", kwargs={"slug": "court-a", "pk": incident.pk}
    )
    for fields, message in (
        ({"note": "n" * (NOTE_MAX + 1)}, f"at most {NOTE_MAX} characters"),
        (
            {"status": "resolved", "resolution": "r" * (DESCRIPTION_MAX + 1)},
            f"at most {DESCRIPTION_MAX} characters",
        ),
        ({"note": "a\x07b"}, "Remove the control characters"),
    ):
        data = {"status": "investigating", "severity": "P3", **fields}
        response = client.post(url, data)
        assert response.status_code == 200, fields
        assert message in response.content.decode(), fields
    incident.refresh_from_db()
    assert incident.status == "open"
    for fields in (
        {"note": "n" * (NOTE_MAX + 1)},
        {"status": "resolved", "resolution": "r" * (DESCRIPTION_MAX + 1)},
    ):
        with pytest.raises(ValidationError):
            services.incident_update(
                incident=incident,
                by=staff_user,
                owner=None,
                severity="P3",
                **{"status": "investigating", **fields},
            )


def test_the_lifecycles_reasons_have_a_limit(client, live, staff_user):
    too_long = "r" * (REASON_MAX + 1)
    with pytest.raises(ValidationError, match="at most 1000 characters"):
        services.onboarding_undo_live(onboarding=live, by=staff_user, reason=too_long)
    with pytest.raises(ValidationError, match="control characters"):
        services.onboarding_undo_live(onboarding=live, by=staff_user, reason="a\x00b")
    client.force_login(staff_user)
    response = client.post(
        reverse("golive:undo_live", kwargs={"slug": "court-a"}),
        {"undo-reason": too_long},
    )
    assert response.status_code == 200
    assert "at most 1000 characters" in response.content.decode()
    live.refresh_from_db()
    assert live.status == "live"
    assert not Transition.objects.filter(kind=Transition.Kind.UNDO_LIVE).exists()


def test_a_go_no_go_reason_has_a_limit(start, court, staff_user):
    onboarding = start(court)
    with pytest.raises(ValidationError) as caught:
        services.go_no_go_record(
            onboarding=onboarding,
            by=staff_user,
            decision="no_go",
            reason="r" * (REASON_MAX + 1),
        )
    assert list(caught.value.message_dict) == ["reason"]
    assert not onboarding.go_no_go_decisions.exists()


def test_sign_off_statements_messages_and_revocations_have_limits(
    start, court, court_eo, staff_user
):
    onboarding = start(court)
    with pytest.raises(ValidationError) as caught:
        services.sign_off_ask(
            onboarding=onboarding,
            kind=SignOffKind.ACCEPTANCE,
            role="executive_officer",
            asked=court_eo,
            by=staff_user,
            message="m" * (NOTE_MAX + 1),
        )
    assert list(caught.value.message_dict) == ["message"]
    assert not onboarding.sign_off_requests.exists()
    with pytest.raises(ValidationError, match="control characters"):
        services.sign_off_give(
            onboarding=onboarding,
            kind=SignOffKind.ACCEPTANCE,
            role="executive_officer",
            by=court_eo,
            statement="We accept\x00.",
        )
    signed = services.sign_off_give(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role="executive_officer",
        by=court_eo,
        statement="We accept.",
    )
    with pytest.raises(ValidationError, match="at most 1000 characters"):
        services.sign_off_revoke(
            sign_off=signed, by=court_eo, reason="r" * (REASON_MAX + 1)
        )
    assert SignOff.objects.get(pk=signed.pk).revoked_at is None

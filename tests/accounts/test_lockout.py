"""Five failed sign-ins lock the username, and the address, on the site and the admin
(django-axes); an admin can unlock; the lockout page never tells whether an account
exists."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import UserFactory

from .conftest import PASSWORD, post_sign_in

pytestmark = pytest.mark.django_db

LIMIT = 5


def fail(client, username, times, *, ip="10.0.0.1", url=None):
    return [
        post_sign_in(client, username, "not-the-password", ip=ip, url=url)
        for _ in range(times)
    ]


def test_four_failures_still_let_the_right_password_in(client, court_lead):
    responses = fail(client, "lead-a", LIMIT - 1)
    assert all(r.status_code == 200 for r in responses)
    assert post_sign_in(client, "lead-a")["Location"] == "/courts/"


def test_fifth_failure_locks_and_then_the_right_password_is_refused(client, court_lead):
    responses = fail(client, "lead-a", LIMIT)
    assert [r.status_code for r in responses] == [200] * (LIMIT - 1) + [429]
    assert "Sign-in paused" in responses[-1].content.decode()
    response = post_sign_in(client, "lead-a")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_username_is_locked_from_any_address(client, court_lead):
    for n in range(LIMIT):
        fail(client, "lead-a", 1, ip=f"10.0.1.{n}")
    response = post_sign_in(client, "lead-a", ip="10.0.9.9")
    assert response.status_code == 429


def test_the_address_is_locked_for_any_username(client, court_lead, other_lead):
    for n in range(LIMIT):
        fail(client, f"guess-{n}", 1, ip="10.0.2.1")
    assert post_sign_in(client, "lead-b", ip="10.0.2.1").status_code == 429
    # Another address is not affected.
    assert post_sign_in(client, "lead-b", ip="10.0.2.2").status_code == 302


def test_lockout_looks_the_same_for_an_unknown_username(client, court_lead):
    known = fail(client, "lead-a", LIMIT, ip="10.0.3.1")[-1]
    unknown = fail(client, "no-such-person", LIMIT, ip="10.0.3.2")[-1]
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content
    assert b"lead-a" not in known.content


def test_failures_before_the_lockout_look_the_same_for_an_unknown_username(
    client, court_lead
):
    known = fail(client, "lead-a", 1, ip="10.0.3.3")[0]
    unknown = fail(client, "no-such-person", 1, ip="10.0.3.4")[0]
    message = "Please enter a correct username or e-mail address, and password"
    assert message in known.content.decode() and message in unknown.content.decode()


def test_the_admin_login_locks_too(client, staff_user):
    url = reverse("admin:login")
    responses = fail(client, "staff", LIMIT, url=url)
    assert responses[-1].status_code == 429
    response = post_sign_in(client, "staff", url=url)
    assert response.status_code == 429


def test_signing_in_forgets_only_ones_own_failures(client, court_lead, other_lead):
    # Someone at 10.0.4.1 guesses lead-a's password four times; lead-b signs in
    # successfully from the same address: lead-a's count is not reset.
    fail(client, "lead-a", LIMIT - 1, ip="10.0.4.1")
    assert post_sign_in(client, "lead-b", ip="10.0.4.1").status_code == 302
    client.logout()
    assert fail(client, "lead-a", 1, ip="10.0.4.2")[0].status_code == 429


def test_own_success_resets_own_count(client, court_lead):
    fail(client, "lead-a", LIMIT - 1, ip="10.0.5.1")
    assert post_sign_in(client, "lead-a", ip="10.0.5.1").status_code == 302
    client.logout()
    fail(client, "lead-a", LIMIT - 1, ip="10.0.5.2")
    assert post_sign_in(client, "lead-a", ip="10.0.5.2").status_code == 302


def test_an_admin_unlocks_a_person(client, admin_client, court_lead):
    for n in range(LIMIT):
        fail(client, "lead-a", 1, ip=f"10.0.6.{n}")
    assert post_sign_in(client, "lead-a", ip="10.0.6.99").status_code == 429

    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [court_lead.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="lead-a").exists()
    assert post_sign_in(client, "lead-a", ip="10.0.6.99").status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.UNLOCK)
    assert event.username == "admin" and event.target == "user lead-a"


def test_an_admin_lifts_an_address_lockout_in_the_axes_admin(
    client, admin_client, court_lead
):
    for n in range(LIMIT):
        fail(client, f"guess-{n}", 1, ip="10.0.7.1")
    assert post_sign_in(client, "lead-a", ip="10.0.7.1").status_code == 429
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert admin_client.get(changelist).status_code == 200
    pks = list(
        AccessAttempt.objects.filter(ip_address="10.0.7.1").values_list("pk", flat=True)
    )
    response = admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )
    assert response.status_code == 302
    assert post_sign_in(client, "lead-a", ip="10.0.7.1").status_code == 302


def test_lockouts_are_in_the_audit_log(client, court_lead):
    fail(client, "lead-a", LIMIT, ip="10.0.8.1")
    lockout = AuditEvent.objects.get(action=AuditEvent.Action.LOCKOUT)
    assert lockout.username == "lead-a"
    assert lockout.outcome == AuditEvent.Outcome.FAILURE
    assert lockout.ip_address == "10.0.8.1"
    assert lockout.user_agent == "pytest-browser/1.0"
    failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    assert failures.count() == LIMIT


def test_seeded_demo_accounts_still_sign_in(client):
    from django.core.management import call_command

    call_command("seed_demo")
    response = post_sign_in(client, "alameda.lead", "ccpor-demo-2026")
    assert response.status_code == 302


def test_a_user_made_by_the_factory_signs_in(client):
    UserFactory(username="plain")
    assert post_sign_in(client, "plain", PASSWORD).status_code == 302

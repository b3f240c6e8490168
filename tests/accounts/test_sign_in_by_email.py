"""Signing in with a user name or an e-mail address: the address names one active
account (the database says so), the lockout counts the account's failures whichever
name was typed, and the user admin refuses an address another active account holds."""

import pytest
from axes.models import AccessAttempt
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import UserFactory

from .conftest import post_sign_in

pytestmark = pytest.mark.django_db

LIMIT = 5


def fail(client, name, times, *, ip="10.0.0.1"):
    return [post_sign_in(client, name, "not-the-password", ip=ip) for _ in range(times)]


# --- Signing in ---------------------------------------------------------------------


def test_an_address_signs_in_whatever_its_case(client, court_lead):
    response = post_sign_in(client, "  LEAD-A@Example.ORG ")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(court_lead.pk)


def test_the_sign_in_form_asks_for_a_username_or_an_address(client):
    html = client.get(reverse("login")).content.decode()
    assert "Username or e-mail address" in html


def test_a_wrong_password_with_an_address_is_refused_in_place(client, court_lead):
    response = post_sign_in(client, "lead-a@example.org", "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    message = "Please enter a correct username or e-mail address, and password"
    assert message in response.content.decode()


def test_a_username_with_an_at_sign_is_a_username_first(client):
    # Django allows "@" in user names: such a name means its own account, even
    # when another account has it as its address.
    named = UserFactory(username="pat@example.org", email="pat.work@example.org")
    UserFactory(username="other", email="pat@example.org", password="another pass")
    assert post_sign_in(client, "pat@example.org").status_code == 302
    assert client.session["_auth_user_id"] == str(named.pk)


def test_a_deactivated_account_does_not_sign_in_by_its_address(client):
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    response = post_sign_in(client, "gone@example.org")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_takes_an_address_too(client, admin_user):
    response = post_sign_in(client, "admin@example.org", url=reverse("admin:login"))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


# --- The lockout counts per account ---------------------------------------------------


def test_failures_by_username_and_by_address_add_up_on_the_account(client, court_lead):
    # Each from its own network address, so that only the account's count locks.
    for n in range(LIMIT - 2):
        fail(client, "lead-a", 1, ip=f"10.1.0.{n}")
    fail(client, "Lead-A@example.org", 1, ip="10.1.1.1")
    assert AccessAttempt.objects.filter(username="lead-a").count() == LIMIT - 1
    assert not AccessAttempt.objects.exclude(username="lead-a").exists()
    # The fifth failure, by the address, locks the account...
    assert fail(client, "lead-a@example.org", 1, ip="10.1.1.2")[0].status_code == 429
    # ...whichever name is typed next, from anywhere, even with the right password.
    assert post_sign_in(client, "lead-a", ip="10.1.9.9").status_code == 429
    assert post_sign_in(client, "LEAD-A@EXAMPLE.ORG", ip="10.1.9.8").status_code == 429
    assert "_auth_user_id" not in client.session
    lockouts = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT)
    assert set(lockouts.values_list("username", flat=True)) == {"lead-a"}


def test_the_client_address_is_still_locked_for_any_name(client, court_lead):
    for n in range(LIMIT):
        fail(client, f"guess-{n}@example.org", 1, ip="10.2.0.1")
    assert post_sign_in(client, "lead-a@example.org", ip="10.2.0.1").status_code == 429
    assert post_sign_in(client, "lead-a@example.org", ip="10.2.0.2").status_code == 302


def test_an_unknown_address_is_counted_in_lower_case_and_looks_the_same(
    client, court_lead
):
    unknown = [
        fail(client, name, 1, ip=f"10.3.0.{n}")[0]
        for n, name in enumerate(["Nobody@Example.org", "nobody@example.ORG"] * 3)
    ][LIMIT - 1]
    known = fail(client, "lead-a@example.org", LIMIT, ip="10.3.1.1")[-1]
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {
        "nobody@example.org",
        "lead-a",
    }
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content


def test_signing_in_by_address_forgets_the_accounts_own_failures(client, court_lead):
    fail(client, "lead-a", LIMIT - 1, ip="10.4.0.1")
    assert post_sign_in(client, "lead-a@example.org", ip="10.4.0.1").status_code == 302
    assert not AccessAttempt.objects.filter(username="lead-a").exists()


def test_an_admin_unlock_ends_a_lockout_earned_by_address(
    client, admin_client, court_lead
):
    for n in range(LIMIT):
        fail(client, "lead-a@example.org", 1, ip=f"10.5.0.{n}")
    assert post_sign_in(client, "lead-a", ip="10.5.9.9").status_code == 429
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [court_lead.pk]},
    )
    assert post_sign_in(client, "lead-a@example.org", ip="10.5.9.9").status_code == 302


# --- One active account per address ---------------------------------------------------


def test_the_database_refuses_a_second_active_account_with_an_address(court_lead):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="twin", email="LEAD-A@example.org")


def test_deactivated_accounts_and_empty_addresses_may_repeat(court_lead):
    UserFactory(username="old-1", email="lead-a@example.org", is_active=False)
    UserFactory(username="old-2", email="Lead-A@example.org", is_active=False)
    UserFactory(username="no-mail-1", email="")
    UserFactory(username="no-mail-2", email="")
    # Reactivating one of the old ones is refused while lead-a holds the address.
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory._meta.model.objects.filter(username="old-1").update(is_active=True)


def user_change_data(user, **changes) -> dict:
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        "weekly_digest": "on",
        "calendar_token": user.calendar_token,
        "phone": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "totpdevice_set-TOTAL_FORMS": "0",
        "totpdevice_set-INITIAL_FORMS": "0",
        "staticdevice_set-TOTAL_FORMS": "0",
        "staticdevice_set-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_user_admin_refuses_an_address_another_active_account_holds(
    admin_client, court_lead
):
    other = UserFactory(username="other", email="other@example.org")
    url = reverse("admin:accounts_user_change", args=[other.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    response = admin_client.post(
        url, user_change_data(other, email="Lead-A@Example.org")
    )
    html = response.content.decode()
    assert response.status_code == 200, response
    assert "Another active account already uses this e-mail address" in html
    assert "It belongs to lead-a." in html
    other.refresh_from_db()
    assert other.email == "other@example.org"


def test_the_user_admin_refuses_to_reactivate_onto_a_held_address(
    admin_client, court_lead
):
    old = UserFactory(username="old", email="lead-a@example.org", is_active=False)
    url = reverse("admin:accounts_user_change", args=[old.pk])
    response = admin_client.post(url, user_change_data(old, is_active="on"))
    assert "It belongs to lead-a." in response.content.decode()
    old.refresh_from_db()
    assert not old.is_active

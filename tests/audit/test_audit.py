"""The audit log: sign-in events, access changes, admin actions and token resets are
recorded with who, what, when, from where and the outcome; admins read and filter
it; nothing changes or deletes a row (the database refuses it on PostgreSQL)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record
from courts.models import Membership
from tests.accounts.conftest import post_sign_in
from tests.factories import CourtFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- Signing in and out ---------------------------------------------------------------


def test_sign_in_success_failure_and_sign_out(client, court_lead):
    post_sign_in(client, "lead-a", "wrong-password", ip="192.0.2.10")
    post_sign_in(client, "lead-a", ip="192.0.2.10")
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.10")

    (failed,) = events(Action.LOGIN_FAILED)
    assert failed.outcome == AuditEvent.Outcome.FAILURE
    assert failed.username == "lead-a" and failed.user is None
    assert failed.ip_address == "192.0.2.10"
    assert failed.user_agent == "pytest-browser/1.0"
    assert failed.created_at is not None

    (signed_in,) = events(Action.LOGIN)
    assert signed_in.user == court_lead and signed_in.outcome == "success"
    assert signed_in.ip_address == "192.0.2.10"
    (signed_out,) = events(Action.LOGOUT)
    assert signed_out.user == court_lead


def test_a_sign_in_with_odd_bytes_is_refused_by_the_form(client):
    response = post_sign_in(client, "evil\x00" + "x" * 500, "pw")
    assert response.status_code == 200


def test_odd_bytes_and_long_values_are_stored_safely():
    event = audit_record(
        action=Action.LOGIN_FAILED,
        username="evil\x00" + "x" * 500,
        target="t\x00" * 300,
        detail="d\x00" * 3000,
    )
    event.refresh_from_db()
    assert "\x00" not in event.username + event.target + event.detail
    assert len(event.username) == 150 and len(event.target) == 250


def test_the_address_behind_trusted_proxies(client, court_lead, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("login"),
        {"username": "lead-a", "password": "nope"},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.4",
    )
    # The proxy appended the address it saw; what the client wrote is not trusted.
    assert events(Action.LOGIN_FAILED)[0].ip_address == "198.51.100.4"


def test_a_long_user_agent_is_truncated(client, court_lead):
    client.post(
        reverse("login"),
        {"username": "lead-a", "password": "nope"},
        HTTP_USER_AGENT="A" * 1000,
    )
    assert len(events(Action.LOGIN_FAILED)[0].user_agent) == 300


# --- Access changes -----------------------------------------------------------------


def test_membership_created_changed_and_deleted_in_the_admin(admin_client, admin_user):
    court = CourtFactory(name="Court Z")
    person = UserFactory(username="zed")
    response = admin_client.post(
        reverse("admin:courts_membership_add"),
        {
            "user": person.pk,
            "court": court.pk,
            "organisation": "court",
            "role": "viewer",
        },
    )
    assert response.status_code == 302, response.content
    membership = Membership.objects.get(user=person)
    (created,) = events(Action.MEMBERSHIP_CREATED)
    assert created.user == admin_user and "zed" in created.target
    assert created.detail == "Court, Viewer"

    response = admin_client.post(
        reverse("admin:courts_membership_change", args=[membership.pk]),
        {
            "user": person.pk,
            "court": court.pk,
            "organisation": "court",
            "role": "project_lead",
        },
    )
    assert response.status_code == 302, response.content
    (changed,) = events(Action.MEMBERSHIP_CHANGED)
    assert "Project lead" in changed.target and "Viewer" in changed.detail

    response = admin_client.post(
        reverse("admin:courts_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    (deleted,) = events(Action.MEMBERSHIP_DELETED)
    assert deleted.user == admin_user
    # Each admin action is in the log too, as Django's admin logged it.
    assert len(events(Action.ADMIN_ADDITION)) == 1
    assert len(events(Action.ADMIN_CHANGE)) == 1
    assert len(events(Action.ADMIN_DELETION)) == 1


def test_a_membership_saved_unchanged_is_not_an_event():
    membership = MembershipFactory()
    membership.save()
    assert len(events(Action.MEMBERSHIP_CREATED)) == 1
    assert events(Action.MEMBERSHIP_CHANGED) == []


def test_groups_and_permissions_changes_are_recorded():
    person = UserFactory(username="gina")
    team, _ = Group.objects.get_or_create(name=settings.CCPOR_TEAM_GROUP)
    person.groups.add(team)
    person.groups.remove(team)
    permission = Permission.objects.get(codename="view_court")
    team.permissions.add(permission)
    person.user_permissions.add(permission)
    person.groups.add(team)
    person.groups.clear()

    groups = events(Action.GROUPS_CHANGED)
    assert [e.detail for e in groups] == [
        "added: CCPOR Team",
        "removed: CCPOR Team",
        "added: CCPOR Team",
        "removed: CCPOR Team",
    ]
    assert {e.target for e in groups} == {"user gina"}
    permissions = events(Action.PERMISSIONS_CHANGED)
    assert [e.target for e in permissions] == ["group CCPOR Team", "user gina"]
    assert all("view court" in e.detail for e in permissions)


def test_becoming_staff_or_superuser_is_recorded():
    person = UserFactory(username="sam")
    person.is_superuser = True
    person.save()
    person.first_name = "Sam"
    person.save()
    (event,) = events(Action.USER_FLAGS_CHANGED)
    assert event.target == "user sam"
    assert event.detail == "is_superuser: False → True"


# --- Admin actions and token resets -------------------------------------------------


def test_admin_additions_and_bulk_deletions_are_recorded(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:courts_court_add"),
        {
            "name": "Tribal Court of Somewhere",
            "slug": "somewhere",
            "court_type": "tribal",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content
    (added,) = events(Action.ADMIN_ADDITION)
    assert added.user == admin_user and "Tribal Court of Somewhere" in added.target

    doomed = [CourtFactory(name=f"Doomed {n}") for n in range(3)]
    response = admin_client.post(
        reverse("admin:courts_court_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [c.pk for c in doomed],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    deletions = events(Action.ADMIN_DELETION)
    assert sorted(e.target.split(": ", 1)[1] for e in deletions) == [
        "Doomed 0",
        "Doomed 1",
        "Doomed 2",
    ]
    assert all(e.user == admin_user for e in deletions)


def test_token_resets_are_recorded(client, staff_user):
    client.force_login(staff_user)
    client.post("/calendar/reset/")
    client.post("/calendar/reset-api-token/")
    assert events(Action.CALENDAR_TOKEN_RESET)[0].user == staff_user
    assert events(Action.API_TOKEN_RESET)[0].target == "user staff"


# --- Reading it ---------------------------------------------------------------------


def test_admins_read_and_filter_the_log(admin_client, court_lead):
    audit_record(action=Action.LOGIN, user=court_lead)
    audit_record(action=Action.LOGIN_FAILED, outcome="failure", username="mallory")
    url = reverse("admin:audit_auditevent_changelist")
    page = admin_client.get(url).content.decode()
    assert "lead-a" in page and "mallory" in page
    filtered = admin_client.get(url, {"action__exact": "auth.login_failed"})
    assert "mallory" in filtered.content.decode()
    assert "lead-a" not in filtered.content.decode()
    searched = admin_client.get(url, {"q": "lead-a"}).content.decode()
    assert "lead-a" in searched and "mallory" not in searched


def test_the_log_is_read_only_in_the_admin_even_for_superusers(admin_client):
    event = audit_record(action=Action.LOGIN_FAILED, username="mallory")
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert admin_client.get(change).status_code == 200  # view only
    admin_client.post(change, {"username": "someone-else"})
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.username == "mallory"
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_staff_without_the_permission_cannot_read_it(client, staff_user):
    client.force_login(staff_user)
    url = reverse("admin:audit_auditevent_changelist")
    assert client.get(url).status_code == 403


# --- Append-only ----------------------------------------------------------------------


def test_the_application_cannot_change_or_delete_an_event():
    event = audit_record(action=Action.LOGIN_FAILED, username="mallory")
    event.username = "someone-else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(username="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET username = 'x'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_event(sql):
    assert connection.vendor == "postgresql"
    event = audit_record(action=Action.LOGIN_FAILED, username="mallory")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).username == "mallory"


def test_a_person_with_history_is_deactivated_not_deleted(court_lead):
    from django.db.models import ProtectedError

    audit_record(action=Action.LOGIN, user=court_lead)
    with pytest.raises(ProtectedError):
        court_lead.delete()


def test_migrations_run_on_sqlite_without_the_trigger(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ccpor_onboard.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "audit", "--noinput"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Applying audit.0002_append_only_trigger... OK" in result.stdout


# --- Its place in the house -----------------------------------------------------------

UPPER_FLOORS = {"accounts", "courts", "checklists", "reminders", "portal", "dashboard"}


def test_audit_imports_nothing_above_it():
    for path in (Path(settings.BASE_DIR) / "audit").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in UPPER_FLOORS, (path, name)

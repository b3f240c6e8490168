"""Internal bookkeeping tables (outboxes, the stored onboarding summary, the sweeps'
heartbeats, sessions, each person's notification choices) are for superusers only
(ccpor_onboard.lib.admin.SuperusersOnly): a CCPOR staff account with the admin
sees neither their names in the index nor their pages, whatever permissions it has
been given; the records staff work with stay theirs."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

pytestmark = pytest.mark.django_db

BOOKKEEPING = [
    "accounts_session",
    "checklists_onboardingsummary",
    "golive_incidentmail",
    "notifications_notification",
    "notifications_notificationpreference",
    "reminders_reminderlog",
    "reminders_digestlog",
    "reminders_sweeprun",
]
STAFF_RECORDS = [
    "checklists_onboarding",
    "checklists_checklistitem",
    "golive_incident",
    "golive_incidentevent",
    "courts_court",
]


@pytest.fixture
def staff_with_every_permission(staff_user, settings):
    """CCPOR staff with the admin, given view, add, change and delete on every
    project app: only the bookkeeping rule keeps them out."""
    team = Group.objects.get(name=settings.CCPOR_TEAM_GROUP)
    team.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=[
                "accounts",
                "checklists",
                "courts",
                "golive",
                "notifications",
                "reminders",
            ]
        )
    )
    return staff_user


def changelist(model: str) -> str:
    return reverse(f"admin:{model}_changelist")


def test_staff_see_no_bookkeeping_in_the_index(client, staff_with_every_permission):
    client.force_login(staff_with_every_permission)
    html = client.get(reverse("admin:index")).content.decode()
    for model in BOOKKEEPING:
        assert f'href="{changelist(model)}"' not in html, model
    for model in STAFF_RECORDS:
        assert f'href="{changelist(model)}"' in html, model


@pytest.mark.parametrize("model", BOOKKEEPING)
def test_staff_are_refused_a_bookkeeping_table(
    client, staff_with_every_permission, model
):
    client.force_login(staff_with_every_permission)
    assert client.get(changelist(model)).status_code == 403


@pytest.mark.parametrize("model", STAFF_RECORDS)
def test_staff_keep_the_records_they_work_with(
    client, staff_with_every_permission, model
):
    client.force_login(staff_with_every_permission)
    assert client.get(changelist(model)).status_code == 200


@pytest.mark.parametrize("model", BOOKKEEPING)
def test_superusers_read_the_bookkeeping(admin_client, model):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert f'href="{changelist(model)}"' in html
    assert admin_client.get(changelist(model)).status_code == 200

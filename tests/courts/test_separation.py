"""Nobody is at once CCPOR Team staff (or a superuser) and the holder of a court or
sheriff's-office role: granting a role to staff, and making a role holder staff,
are refused on every path (the service, the invitation page, the admin's forms,
inlines and user page, the models any command saves), each refusal saying why and
changing nothing."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from courts.models import Membership
from courts.services import membership_add
from notifications.services import person_invite
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# (Up to its apostrophe, which the pages escape.)
STAFF_REFUSAL = "it cannot also hold a court or sheriff"


@pytest.fixture
def team(db):
    return Group.objects.get_or_create(name=settings.CCPOR_TEAM_GROUP)[0]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Granting a role to staff --------------------------------------------------------


@pytest.mark.parametrize("kind", ["team", "superuser"])
def test_the_service_gives_no_role_to_staff(court, staff_user, superuser, kind):
    person = staff_user if kind == "team" else superuser
    with pytest.raises(ValidationError) as info:
        membership_add(
            court=court, user=person, organisation="court", role="executive_officer"
        )
    assert STAFF_REFUSAL in info.value.message_dict["email"][0]
    assert not Membership.objects.exists()


def test_an_invitation_gives_no_role_to_staff(court, staff_user):
    staff_user.email = "casey@ccpor.example.org"
    staff_user.save()
    with pytest.raises(ValidationError, match=STAFF_REFUSAL):
        person_invite(
            court=court,
            email="Casey@ccpor.example.org",
            first_name="Casey",
            last_name="Staff",
            organisation="court",
            role="executive_officer",
            by=staff_user,
        )
    assert not Membership.objects.exists()


def test_the_invitation_page_refuses_staff_and_says_why(client, court, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("portal:invite", kwargs={"slug": court.slug}),
        {
            "email": staff_user.email,
            "first_name": "Me",
            "last_name": "Again",
            "organisation": "court",
            "role": "executive_officer",
        },
    )
    assert response.status_code == 200
    assert STAFF_REFUSAL in response.content.decode()
    assert not Membership.objects.exists()


def test_the_membership_admin_refuses_staff(admin_client, court, staff_user):
    response = admin_client.post(
        reverse("admin:courts_membership_add"),
        {
            "user": staff_user.pk,
            "court": court.pk,
            "organisation": "court",
            "role": "executive_officer",
        },
    )
    assert response.status_code == 200
    assert STAFF_REFUSAL in response.content.decode()
    assert not Membership.objects.exists()


def test_the_court_admins_rows_are_refused_together(admin_client, court, staff_user):
    """Several memberships added at once on the court's page: one of them for
    staff, so none is saved."""
    member = UserFactory(username="clerk")
    rows = [(member, "viewer"), (staff_user, "executive_officer")]
    data = {
        "name": court.name,
        "slug": court.slug,
        "court_type": court.court_type,
        "district": court.district,
        "county": court.county,
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": "0",
    }
    for n, (person, role) in enumerate(rows):
        data.update(
            {
                f"memberships-{n}-user": person.pk,
                f"memberships-{n}-organisation": "court",
                f"memberships-{n}-role": role,
            }
        )
    response = admin_client.post(
        reverse("admin:courts_court_change", args=[court.pk]), data
    )
    assert response.status_code == 200
    assert STAFF_REFUSAL in response.content.decode()
    assert not Membership.objects.exists()


@pytest.mark.parametrize("how", ["create", "get_or_create", "change_user"])
def test_no_save_of_a_membership_gives_staff_a_role(court, staff_user, how):
    """What a command or a shell does (seed_demo saves memberships directly)."""
    with pytest.raises(ValidationError, match=STAFF_REFUSAL):
        if how == "create":
            Membership.objects.create(user=staff_user, court=court, organisation="so")
        elif how == "get_or_create":
            Membership.objects.get_or_create(
                user=staff_user, court=court, defaults={"organisation": "court"}
            )
        else:
            membership = MembershipFactory(court=court)
            membership.user = staff_user
            membership.save()
    assert not Membership.objects.filter(user=staff_user).exists()


def test_the_demo_seed_refuses_a_role_for_staff(team):
    """A command: an account the seed gives a court role already belongs to the
    CCPOR Team; the seed stops and leaves everything as it was."""
    eo = UserFactory(username="kern.eo")
    eo.groups.add(team)
    with pytest.raises(ValidationError, match=STAFF_REFUSAL):
        call_command("seed_demo", password="a-long-demo-password-2026")
    assert not Membership.objects.exists()


# --- Making a role holder staff ------------------------------------------------------


def test_a_role_holder_is_not_added_to_the_team_from_either_side(court_lead, team):
    # Each add runs in the caller's transaction, which its refusal spoils: one
    # transaction each, as a request or a command would have.
    with pytest.raises(ValidationError, match="end those memberships first"):
        with transaction.atomic():
            court_lead.groups.add(team)
    with pytest.raises(ValidationError, match="end those memberships first"):
        with transaction.atomic():
            team.user_set.add(court_lead)
    assert not court_lead.groups.exists()


def test_a_role_holder_is_not_made_superuser(court_lead):
    court_lead.is_superuser = True
    with pytest.raises(ValidationError, match="lead-a at Court A"):
        court_lead.save()
    court_lead.refresh_from_db()
    assert not court_lead.is_superuser


def test_a_group_of_role_holders_is_not_renamed_to_the_team(court_lead):
    helpers = Group.objects.create(name="Helpers")
    court_lead.groups.add(helpers)
    helpers.name = settings.CCPOR_TEAM_GROUP
    with pytest.raises(ValidationError, match="end those memberships first"):
        helpers.save()
    assert Group.objects.get(pk=helpers.pk).name == "Helpers"


def test_ending_the_roles_first_lets_the_person_join_the_team(court_lead, team):
    Membership.objects.filter(user=court_lead).delete()
    court_lead.groups.add(team)
    assert court_lead.groups.filter(pk=team.pk).exists()


def user_change_data(user, *, groups=(), memberships=(), **fields) -> dict:
    """The user admin's change form as its page posts it, with the person's
    memberships as inline rows and `memberships` added as new rows."""
    existing = list(Membership.objects.filter(user=user))
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "groups": [g.pk for g in groups],
        "memberships-TOTAL_FORMS": str(len(existing) + len(memberships)),
        "memberships-INITIAL_FORMS": str(len(existing)),
        **fields,
    }
    rows = [(m.pk, m.court_id, m.organisation, m.role) for m in existing] + [
        ("", court.pk, org, role) for court, org, role in memberships
    ]
    for n, (pk, court_id, organisation, role) in enumerate(rows):
        data.update(
            {
                f"memberships-{n}-id": pk,
                f"memberships-{n}-user": user.pk,
                f"memberships-{n}-court": court_id,
                f"memberships-{n}-organisation": organisation,
                f"memberships-{n}-role": role,
            }
        )
    return data


def test_the_user_admin_refuses_to_add_a_role_holder_to_the_team(
    admin_client, court_lead, team
):
    url = reverse("admin:accounts_user_change", args=[court_lead.pk])
    response = admin_client.post(url, user_change_data(court_lead, groups=[team]))
    assert response.status_code == 200
    assert "end those memberships first" in response.content.decode()
    assert not court_lead.groups.exists()
    response = admin_client.post(url, user_change_data(court_lead, is_superuser="on"))
    assert response.status_code == 200
    court_lead.refresh_from_db()
    assert not court_lead.is_superuser


def test_the_user_admin_refuses_a_role_for_staff_in_its_inline(
    admin_client, staff_user, court, team
):
    url = reverse("admin:accounts_user_change", args=[staff_user.pk])
    response = admin_client.post(
        url,
        user_change_data(
            staff_user,
            groups=[team],
            is_staff="on",
            memberships=[(court, "court", "executive_officer")],
        ),
    )
    assert response.status_code == 200
    assert STAFF_REFUSAL in response.content.decode()
    assert not Membership.objects.exists()


def test_a_group_and_a_role_added_in_one_post_are_refused_together(
    admin_client, court, team
):
    """Neither form sees the other's change; the save does, rolls both back and
    says why."""
    person = UserFactory(username="newcomer")
    url = reverse("admin:accounts_user_change", args=[person.pk])
    response = admin_client.post(
        url,
        user_change_data(
            person, groups=[team], memberships=[(court, "court", "project_lead")]
        ),
    )
    assert response.status_code == 302
    assert any(STAFF_REFUSAL in m for m in messages_of(response))
    assert not person.groups.exists()
    assert not Membership.objects.exists()

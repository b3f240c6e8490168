"""A membership's role belongs to its organisation: the executive officer is the
court's, the liaison the sheriff's office's. Every path refuses the others: the
invitation (page and service), the admin, any other save."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from courts.models import ROLES_OF_ORGANISATION, Membership, role_refusal
from courts.services import membership_add
from notifications.services import person_invite
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

INVITE = {
    "email": "sam.sheriff@county.example.org",
    "first_name": "Sam",
    "last_name": "Santos",
}


def test_the_roles_of_each_organisation():
    court, so = Membership.Organisation.COURT, Membership.Organisation.SHERIFF
    assert not role_refusal(court, "executive_officer")
    assert not role_refusal(so, "liaison")
    for role in ("project_lead", "it_contact", "viewer"):
        assert not role_refusal(court, role) and not role_refusal(so, role)
    assert role_refusal(court, "liaison") == (
        "Liaison is not a role of the Court (it is a Sheriff's Office role): choose "
        "Project lead, IT contact, Executive officer or Viewer."
    )
    assert role_refusal(so, "executive_officer").startswith(
        "Executive officer is not a role of the Sheriff's Office (it is a Court role)"
    )
    # Every role is some organisation's.
    held = {role for roles in ROLES_OF_ORGANISATION.values() for role in roles}
    assert held == set(Membership.Role.values)


@pytest.mark.parametrize(
    ("organisation", "role"), [("court", "liaison"), ("so", "executive_officer")]
)
def test_the_invitation_service_refuses_and_creates_nobody(
    court, staff_user, organisation, role
):
    with pytest.raises(ValidationError) as refused:
        person_invite(
            court=court, by=staff_user, organisation=organisation, role=role, **INVITE
        )
    assert "is not a role of the" in refused.value.message_dict["role"][0]
    assert not get_user_model().objects.filter(email=INVITE["email"]).exists()
    assert not Membership.objects.exists()


def test_membership_add_accepts_a_role_of_the_organisation(court):
    person = UserFactory()
    made = membership_add(court=court, user=person, organisation="so", role="liaison")
    assert (made.organisation, made.role) == ("so", "liaison")


def test_the_invite_page_shows_the_refusal_on_the_role_field(client, court, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("portal:invite", kwargs={"slug": court.slug}),
        {**INVITE, "organisation": "court", "role": "liaison"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    role_field = html[html.index('id="div_id_role"') :]
    role_field = role_field[: role_field.index("</select>") + 400]
    assert "Liaison is not a role of the Court" in role_field
    assert not Membership.objects.exists()


def test_a_link_suggests_the_organisation_and_the_role(client, court, staff_user):
    client.force_login(staff_user)
    url = reverse("portal:invite", kwargs={"slug": court.slug})
    html = client.get(url + "?organisation=so&role=liaison").content.decode()
    assert '<option value="so" selected>' in html
    assert '<option value="liaison" selected>' in html
    # A suggestion that does not go together is not made.
    html = client.get(url + "?organisation=court&role=liaison").content.decode()
    assert '<option value="liaison" selected>' not in html


def test_the_admin_refuses_on_the_role_field(admin_client, court):
    person = UserFactory(username="new-person")
    response = admin_client.post(
        reverse("admin:courts_membership_add"),
        {
            "user": person.pk,
            "court": court.pk,
            "organisation": "so",
            "role": "executive_officer",
        },
    )
    assert response.status_code == 200
    assert "Executive officer is not a role of the Sheriff" in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert not Membership.objects.exists()


def test_any_other_save_is_refused(court):
    with pytest.raises(ValidationError):
        MembershipFactory(court=court, organisation="court", role="liaison")
    liaison = MembershipFactory(court=court, organisation="so", role="liaison")
    liaison.organisation = "court"
    with pytest.raises(ValidationError):
        liaison.save()


def test_a_row_from_before_the_rule_is_kept_until_it_changes(court):
    # Made before the rule (the receiver sees no raw update).
    old = MembershipFactory(court=court, organisation="so", role="liaison")
    Membership.objects.filter(pk=old.pk).update(organisation="court")
    old.refresh_from_db()
    old.save()  # unchanged: kept
    old.role = "viewer"
    old.save()  # changed to a role of its organisation: fine
    assert Membership.objects.get(pk=old.pk).role == "viewer"

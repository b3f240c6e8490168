"""Membership access (courts/access.py): who may see which court."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from courts import access
from courts.models import Court
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_ccpor_staff_are_superusers_and_the_team_group_only(staff_user, superuser):
    django_staff = UserFactory(is_staff=True)
    member = MembershipFactory().user
    assert access.is_ccpor_staff(staff_user)
    assert access.is_ccpor_staff(superuser)
    assert not access.is_ccpor_staff(django_staff)
    assert not access.is_ccpor_staff(member)


def test_another_group_is_not_the_ccpor_team():
    user = UserFactory()
    user.groups.add(Group.objects.create(name="Auditors"))
    assert not access.is_ccpor_staff(user)


def test_an_inactive_team_member_is_nobody(staff_user):
    staff_user.is_active = False
    assert not access.is_ccpor_staff(staff_user)
    assert not access.courts_for_user(staff_user).exists()


def test_members_see_their_own_courts_and_staff_see_all(
    court, other_court, court_lead, staff_user
):
    assert list(access.courts_for_user(court_lead)) == [court]
    assert access.courts_for_user(staff_user).count() == Court.objects.count()
    assert {court, other_court} <= set(access.courts_for_user(staff_user))
    assert not access.courts_for_user(UserFactory(is_staff=True)).exists()


def test_signed_out_and_deactivated_people_have_no_court_and_no_membership(court):
    deactivated = MembershipFactory(court=court, user__is_active=False).user
    for user in (AnonymousUser(), deactivated):
        assert not access.courts_for_user(user).exists()
        assert access.membership_for(user, court.pk) is None


def test_another_courts_slug_is_404_like_a_missing_one(court, other_court, court_lead):
    assert access.court_for_user(court_lead, court.slug) == court
    for slug in (other_court.slug, "no-such-court"):
        with pytest.raises(Http404):
            access.court_for_user(court_lead, slug)


def test_membership_for_is_read_once_per_request(
    court, other_court, court_lead, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert access.membership_for(court_lead, court.pk).court_id == court.pk
        assert access.membership_for(court_lead, other_court.pk) is None


def test_staff_gate_sends_a_member_of_one_court_to_it(court, court_lead, staff_user):
    view = access.ccpor_staff_required(lambda request: "the page")
    request = RequestFactory().get("/dashboard/")
    request.user = staff_user
    assert view(request) == "the page"
    request.user = court_lead
    request._messages = _Messages()
    response = view(request)
    assert (response.status_code, response["Location"]) == (302, "/courts/court-a/")


class _Messages(list):
    def add(self, level, message, extra_tags=""):
        self.append(message)


def test_head_goes_with_get_only(court, court_lead):
    """A court page answers HEAD where it answers GET; a POST-only action does not."""
    assert access.allowed_methods(("GET",)) == ["GET", "HEAD"]
    assert access.allowed_methods(("POST",)) == ["POST"]
    page = access.court_view("GET")(lambda request, court: HttpResponse(court.slug))
    action = access.court_view("POST")(lambda request, court: HttpResponse("done"))
    request = RequestFactory().head("/courts/court-a/")
    request.user = court_lead
    assert page(request, slug="court-a").status_code == 200
    response = action(request, slug="court-a")
    assert (response.status_code, response["Allow"]) == (405, "POST")

"""Membership access (courts/access.py): who may see which court."""

import pytest
from django.http import Http404
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

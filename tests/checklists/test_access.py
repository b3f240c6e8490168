"""The access helper's item rules, asked directly (the matrix asks them over HTTP)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from checklists import access, services
from checklists.models import ChecklistItem
from tests.factories import MembershipFactory, force_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def onboarding(start, court):
    return start(court)


def test_item_for_user_fills_in_the_court_it_was_asked_for(
    onboarding, court, court_lead, django_assert_num_queries
):
    item = access.item_for_user(court_lead, court, onboarding.items.get(order=11).pk)
    with django_assert_num_queries(0):
        assert item.onboarding.court is court


def test_items_for_user_are_one_onboardings(onboarding, start, other_court, staff_user):
    start(other_court)
    assert set(access.items_for_user(staff_user, onboarding)) == set(
        onboarding.items.all()
    )


def test_item_for_user_is_404_for_strangers_and_internal_items(
    onboarding, court_lead, other_lead, staff_user
):
    item = onboarding.items.get(order=11)
    internal = onboarding.items.get(order=23)
    assert access.item_for_user(court_lead, "court-a", item.pk) == item
    assert access.item_for_user(staff_user, "court-a", internal.pk) == internal
    for user, pk in [(other_lead, item.pk), (court_lead, internal.pk)]:
        with pytest.raises(Http404):
            access.item_for_user(user, "court-a", pk)
    with pytest.raises(Http404):
        access.item_for_user(court_lead, "court-a", 10**9)


def test_can_update_item_by_organisation_and_actor(
    onboarding, court_lead, court_liaison, staff_user
):
    by_order = {i.order: i for i in onboarding.items.select_related("onboarding")}
    court_item, so_item, ccpor_item, doj_item = (by_order[n] for n in (11, 8, 1, 18))
    assert access.can_update_item(court_lead, court_item)
    assert not access.can_update_item(court_lead, so_item)
    assert access.can_update_item(court_liaison, so_item)
    assert not access.can_update_item(court_liaison, court_item)
    for user in (court_lead, court_liaison):
        assert not access.can_update_item(user, ccpor_item)
        assert not access.can_update_item(user, doj_item)
    for item in (court_item, so_item, ccpor_item, doj_item):
        assert access.can_update_item(staff_user, item)


@pytest.mark.parametrize("status", ["cancelled", "closed"])
def test_nobody_updates_once_the_onboarding_is_closed_or_cancelled(
    onboarding, court_lead, staff_user, status
):
    force_status(onboarding, status)
    item = onboarding.items.select_related("onboarding").get(order=11)
    for person in (court_lead, staff_user):
        assert f"is {status}: it is read-only" in access.update_refusal(person, item)
        assert not access.can_update_item(person, item)
        assert not access.can_comment(person, item)


def test_member_of_another_court_has_no_rights_on_a_seen_item(onboarding, other_lead):
    item = onboarding.items.select_related("onboarding").get(order=11)
    assert not access.can_update_item(other_lead, item)
    assert not access.can_comment(other_lead, item)


def test_verify_and_reopen_are_for_staff_only(onboarding, court_lead, staff_user):
    # Nothing to verify or reopen on an item still open.
    open_item = onboarding.items.select_related("onboarding").get(order=11)
    assert not access.can_verify_item(staff_user, open_item)
    assert not access.can_reopen_item(staff_user, open_item)
    item = services.item_set_status(
        item=onboarding.items.get(order=11),
        status="done",
        by=court_lead,
        expected_version=1,
    )
    assert access.can_verify_item(staff_user, item)
    assert access.can_reopen_item(staff_user, item)
    assert not access.can_verify_item(court_lead, item)
    assert not access.can_reopen_item(court_lead, item)
    # Verified once: not again (reopening is still possible).
    item = services.item_verify(item=item, by=staff_user, expected_version=item.version)
    assert not access.can_verify_item(staff_user, item)
    assert access.can_reopen_item(staff_user, item)
    assert access.can_manage_onboarding(staff_user, onboarding)
    assert not access.can_manage_onboarding(court_lead, onboarding)


def test_my_items_actor(
    onboarding, court_lead, court_liaison, staff_user, other_lead, court
):
    assert access.actor_for_user(court_lead, court.pk) == "court"
    assert access.actor_for_user(court_liaison, court.pk) == "so"
    assert access.actor_for_user(staff_user, court.pk) == "ccpor"
    assert access.actor_for_user(other_lead, court.pk) is None
    viewer = MembershipFactory(court=court, organisation="so", role="viewer").user
    item = onboarding.items.select_related("onboarding").get(order=8)
    assert "Viewers" in access.update_refusal(viewer, item)
    assert access.can_comment(viewer, item)


def test_visible_to_is_a_members_own_courts_without_internal_items(
    onboarding, start, other_court, court_lead, staff_user
):
    """`visible_to` by itself (the pages narrow to one court as well): a member sees
    the items of their own courts that are not CCPOR-internal, CCPOR staff every
    item, a deactivated member and an anonymous visitor nothing."""
    other = start(other_court)

    def visible(user):
        return set(ChecklistItem.objects.visible_to(user).values_list("pk", flat=True))

    own = onboarding.items.filter(internal_only=False).values_list("pk", flat=True)
    assert onboarding.items.filter(internal_only=True).exists()
    assert visible(court_lead) == set(own)
    everything = [*onboarding.items.all(), *other.items.all()]
    assert visible(staff_user) == {item.pk for item in everything}
    assert visible(AnonymousUser()) == set()
    court_lead.is_active = False
    court_lead.save()
    assert visible(court_lead) == set()

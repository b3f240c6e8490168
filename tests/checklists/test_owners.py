"""Item owners: who may own what, naming one on the item page, "My items", and the
owner shown wherever items are listed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checklists import access, services
from checklists.models import ChecklistItem
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def onboarding(start, court):
    return start(court)


def item(onboarding, order) -> ChecklistItem:
    return onboarding.items.get(order=order)


def set_owner(it, owner, by):
    return services.item_set_owner(
        item=it, owner=owner, by=by, expected_version=it.version
    )


# Items of the default template: 11 Court, 8 SO, 7 CCPOR Team, 18 DOJ.
COURT, SO, CCPOR, DOJ = 11, 8, 7, 18


def test_a_court_item_is_owned_by_a_court_member_of_that_court(
    onboarding, court, court_lead, court_liaison, other_lead, staff_user
):
    it = item(onboarding, COURT)
    colleague = MembershipFactory(court=court, user__username="it-a", role="it_contact")
    assert set(access.owner_candidates(it)) == {court_lead, colleague.user}
    it = set_owner(it, colleague.user, by=court_lead)
    assert it.owner == colleague.user
    for stranger in (court_liaison, other_lead, staff_user):
        with pytest.raises(ValidationError) as refused:
            set_owner(it, stranger, by=staff_user)
        assert "owner" in refused.value.message_dict
    it.refresh_from_db()
    assert it.owner == colleague.user


def test_an_so_item_is_owned_by_an_so_member(onboarding, court_lead, court_liaison):
    it = item(onboarding, SO)
    assert list(access.owner_candidates(it)) == [court_liaison]
    with pytest.raises(ValidationError):
        set_owner(it, court_lead, by=court_liaison)
    assert set_owner(it, court_liaison, by=court_liaison).owner == court_liaison


def test_a_ccpor_item_is_owned_by_ccpor_staff_only(
    onboarding, court_lead, staff_user, superuser
):
    it = item(onboarding, CCPOR)
    assert set(access.owner_candidates(it)) == {staff_user, superuser}
    assert "not CCPOR staff" in access.owner_refusal(it, court_lead)
    assert set_owner(it, staff_user, by=staff_user).owner == staff_user


def test_a_doj_item_has_no_owner_here(onboarding, court_lead, staff_user):
    it = item(onboarding, DOJ)
    assert list(access.owner_candidates(it)) == []
    assert "no owner here" in access.owner_refusal(it, staff_user)


def test_viewers_and_inactive_members_cannot_own(onboarding, court, staff_user):
    viewer = MembershipFactory(court=court, role="viewer").user
    gone = MembershipFactory(court=court, user__is_active=False).user
    it = item(onboarding, COURT)
    for person in (viewer, gone):
        assert access.owner_refusal(it, person)
        with pytest.raises(ValidationError):
            set_owner(it, person, by=staff_user)


def test_being_a_court_member_elsewhere_is_not_enough(onboarding, other_court):
    elsewhere = MembershipFactory(court=other_court, user__username="x").user
    assert access.owner_refusal(item(onboarding, COURT), elsewhere)


def test_removing_the_owner_and_the_history(onboarding, court_lead, staff_user):
    it = set_owner(item(onboarding, COURT), court_lead, by=staff_user)
    it = set_owner(it, None, by=staff_user)
    assert it.owner is None
    reasons = list(it.history.values_list("history_change_reason", flat=True))
    assert reasons[:2] == ["owner removed", "owner: lead-a"]


def test_a_stale_owner_change_is_refused(onboarding, court_lead, staff_user):
    it = item(onboarding, COURT)
    stale_version = it.version
    set_owner(it, court_lead, by=staff_user)
    with pytest.raises(services.StaleEditError):
        services.item_set_owner(
            item=it, owner=None, by=staff_user, expected_version=stale_version
        )


# --- The item page -----------------------------------------------------------------


def page(client, user, it):
    client.force_login(user)
    return client.get(
        reverse("checklists:item_detail", kwargs={"slug": "court-a", "pk": it.pk})
    )


def test_the_item_page_offers_only_the_people_who_may_own_it(
    client, onboarding, court, court_lead, court_liaison, frozen_today
):
    colleague = MembershipFactory(court=court, user__username="it-a", role="it_contact")
    html = page(client, court_lead, item(onboarding, COURT)).content.decode()
    select = html[
        html.index('name="owner"') : html.index("</select>", html.index('name="owner"'))
    ]
    assert f'value="{colleague.user.pk}"' in select
    assert f'value="{court_lead.pk}"' in select
    assert f'value="{court_liaison.pk}"' not in select
    assert "Nobody yet" in select


def test_naming_the_owner_on_the_page(
    client, onboarding, court, court_lead, frozen_today
):
    colleague = MembershipFactory(court=court, user__username="it-a", role="it_contact")
    it = item(onboarding, COURT)
    client.force_login(court_lead)
    url = reverse("checklists:item_owner", kwargs={"slug": "court-a", "pk": it.pk})
    response = client.post(
        url, {"owner": colleague.user.pk, "expected_version": it.version}, follow=True
    )
    assert "now owns" in response.content.decode()
    it.refresh_from_db()
    assert it.owner == colleague.user
    html = page(client, court_lead, it).content.decode()
    assert 'id="item-owner">it-a' in html


def test_a_forged_owner_is_refused_on_the_page(
    client, onboarding, court_lead, court_liaison, frozen_today
):
    it = item(onboarding, COURT)
    client.force_login(court_lead)
    url = reverse("checklists:item_owner", kwargs={"slug": "court-a", "pk": it.pk})
    response = client.post(url, {"owner": court_liaison.pk, "expected_version": 1})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    it.refresh_from_db()
    assert it.owner is None


def test_who_may_not_update_the_item_may_not_name_its_owner(
    client, onboarding, court_lead, court_liaison, frozen_today
):
    it = item(onboarding, COURT)
    client.force_login(court_liaison)
    url = reverse("checklists:item_owner", kwargs={"slug": "court-a", "pk": it.pk})
    response = client.post(url, {"owner": court_lead.pk, "expected_version": 1})
    assert response.status_code == 403
    assert 'name="owner"' not in page(client, court_liaison, it).content.decode()


# --- The court page: the owner in the list, "My items" --------------------------


def test_the_court_page_shows_owners_and_filters_my_items(
    client, onboarding, court, court_lead, staff_user, frozen_today
):
    colleague = MembershipFactory(
        court=court,
        user__username="it-a",
        user__first_name="Pat",
        user__last_name="Lee",
        role="it_contact",
    ).user
    set_owner(item(onboarding, 11), colleague, by=staff_user)
    set_owner(item(onboarding, 13), court_lead, by=staff_user)
    client.force_login(court_lead)
    url = reverse("portal:court", kwargs={"slug": "court-a"})

    html = client.get(url).content.decode()
    assert "Owner: Pat Lee" in html
    assert "Owner: <strong>you</strong>" in html

    mine = client.get(url, {"owned": "on"})
    assert [i.order for i in mine.context["items"]] == [13]
    assert 'name="owned"' in mine.content.decode()
    assert "My items" in mine.content.decode()


def test_a_person_with_no_items_sees_an_empty_my_items(
    client, onboarding, court_lead, frozen_today
):
    client.force_login(court_lead)
    response = client.get(
        reverse("portal:court", kwargs={"slug": "court-a"}), {"owned": "on"}
    )
    assert response.context["items"] == []


def test_owner_candidates_cost_one_query(onboarding, court, django_assert_num_queries):
    for n in range(5):
        MembershipFactory(court=court, user__username=f"m{n}")
    it = item(onboarding, COURT)
    with django_assert_num_queries(1):
        assert len(list(access.owner_candidates(it))) == 5


def test_an_owner_is_never_someone_a_member_cannot_see(onboarding):
    """Sanity of the rule's shape: a stranger is never a candidate."""
    stranger = UserFactory(username="stranger")
    for order in (COURT, SO, CCPOR, DOJ):
        assert stranger not in access.owner_candidates(item(onboarding, order))

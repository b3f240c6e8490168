"""Prepared queries with slots: compiled once, run with each call's own values."""

import pytest
from django.db.models import Count

from ccpor_onboard.lib.prepared import PreparedModels, PreparedQuery, slot
from courts.models import Court, Membership
from courts.selectors import court_contacts
from tests.factories import CourtFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_prepared_model_query_runs_with_the_values_of_each_call():
    first, second = CourtFactory(name="First"), CourtFactory(name="Second")
    MembershipFactory(court=second)
    prepared = PreparedModels(
        Court.objects.filter(pk=slot(0), slug=slot(1, str))
        .annotate(members=Count("memberships"))
        .order_by("pk"),
        slots=[slot(0), slot(1, str)],
    )
    [got] = prepared.run(first.pk, first.slug)
    assert (got.name, got.members) == ("First", 0)
    [got] = prepared.run(second.pk, second.slug)
    assert (got.name, got.members) == ("Second", 1)
    assert prepared.run(first.pk, second.slug) == []
    # The rows are read afresh on every run.
    Court.objects.filter(pk=second.pk).update(name="Renamed")
    assert prepared.run(second.pk, second.slug)[0].name == "Renamed"


def test_a_prepared_model_query_builds_related_objects_and_deferred_fields():
    membership = MembershipFactory(user=UserFactory(first_name="Ada"))

    def memberships(court):
        return (
            Membership.objects.filter(court=court)
            .select_related("user")
            .only("court_id", "user__first_name")
        )

    prepared = PreparedModels(memberships(slot(0)), slots=[slot(0)])
    [got] = prepared.run(membership.court_id)
    [expected] = memberships(membership.court_id)
    assert got.pk == membership.pk and got.user.first_name == "Ada"
    assert "role" in got.get_deferred_fields()
    assert got.get_deferred_fields() == expected.get_deferred_fields()
    assert got.user.get_deferred_fields() == expected.user.get_deferred_fields()


def test_a_prepared_values_query_binds_its_slots():
    first, second = CourtFactory(name="First"), CourtFactory(name="Second")
    prepared = PreparedQuery(
        Court.objects.filter(pk=slot(0)).values("name"), slots=[slot(0)]
    )
    assert prepared.dicts(bind=[first.pk]) == [{"name": "First"}]
    assert prepared.dicts(bind=[second.pk]) == [{"name": "Second"}]
    with pytest.raises(TypeError):
        prepared.dicts()


def test_a_slot_the_sql_does_not_hold_is_refused():
    with pytest.raises(ValueError, match="slots"):
        PreparedModels(Court.objects.all(), slots=[slot(0)])
    with pytest.raises(ValueError):
        PreparedModels(Court.objects.prefetch_related("memberships"))
    with pytest.raises(ValueError):
        PreparedModels(Court.objects.values("pk"))


def test_court_contacts_are_each_courts_own_and_current():
    court, other = CourtFactory(), CourtFactory()
    MembershipFactory(court=court, user=UserFactory(username="ann"))
    MembershipFactory(court=other, user=UserFactory(username="bob"))

    def members(c):
        return [x.name for x in court_contacts(c) if x.organisation != "CCPOR Team"]

    assert members(court) == ["ann"]
    assert members(other) == ["bob"]
    MembershipFactory(court=court, user=UserFactory(username="cat"))
    assert members(court) == ["ann", "cat"]
    staff = UserFactory(username="dee", ccpor_staff=True)
    assert staff.pk in [x.user_id for x in court_contacts(other)]

"""Identical invitations sent at the same moment, on PostgreSQL with real threads:
one makes the account and the membership, the others answer "already a member";
none gives a 500, and there is one account and one membership."""

import threading
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from courts.models import Membership
from notifications.models import Kind, Notification
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

INVITE = {
    "email": "pat.lee@alameda.courts.ca.gov",
    "first_name": "Pat",
    "last_name": "Lee",
    "organisation": "court",
    "role": "it_contact",
}


def at_once(staff_user, n: int, slugs: list[str]) -> list:
    """POST the invitation from `n` browsers at the same moment (the i-th to court
    slugs[i % len(slugs)]); the responses, each as (status, page)."""
    barrier = threading.Barrier(n)
    results = []

    def send(i: int):
        client = Client(raise_request_exception=False)
        client.force_login(staff_user)
        try:
            barrier.wait(timeout=30)
            response = client.post(
                reverse("portal:invite", kwargs={"slug": slugs[i % len(slugs)]}),
                INVITE,
            )
            results.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == n
    return results


def both_past_the_check():
    """Hold every invitation after it has found no account for the address and
    before it makes one, until the other has got there too: the race, every time."""
    barrier = threading.Barrier(2)
    original = account_services._free_username

    def held(email):
        name = original(email)
        barrier.wait(timeout=30)
        return name

    return mock.patch.object(account_services, "_free_username", held)


def test_two_invitations_of_a_new_address_racing(court, staff_user):
    with both_past_the_check():
        results = at_once(staff_user, 2, ["court-a"])
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 302]
    refused = next(page for status, page in results if status == 200)
    assert "is already a member of Court A" in refused
    user = get_user_model().objects.get(email__iexact=INVITE["email"])
    assert Membership.objects.filter(user=user).count() == 1
    assert Notification.objects.filter(kind=Kind.INVITATION).count() == 1


def test_a_new_address_invited_to_two_courts_at_once(court, other_court, staff_user):
    with both_past_the_check():
        results = at_once(staff_user, 2, ["court-a", "court-b"])
    assert sorted(status for status, _ in results) == [302, 302]
    user = get_user_model().objects.get(email__iexact=INVITE["email"])
    assert set(Membership.objects.filter(user=user).values_list("court__slug")) == {
        ("court-a",),
        ("court-b",),
    }


def test_many_identical_invitations_of_a_new_address(court, staff_user):
    results = at_once(staff_user, 6, ["court-a"])
    assert sorted(status for status, _ in results) == [200] * 5 + [302]
    assert all(
        "is already a member of Court A" in page
        for status, page in results
        if status == 200
    )
    assert get_user_model().objects.filter(email__iexact=INVITE["email"]).count() == 1
    assert (
        Membership.objects.filter(court=court, user__email=INVITE["email"]).count() == 1
    )


def test_many_identical_invitations_of_an_existing_account(
    court, other_court, staff_user
):
    MembershipFactory(court=other_court, user__email=INVITE["email"])
    results = at_once(staff_user, 6, ["court-a"])
    assert sorted(status for status, _ in results) == [200] * 5 + [302]
    assert (
        Membership.objects.filter(court=court, user__email=INVITE["email"]).count() == 1
    )

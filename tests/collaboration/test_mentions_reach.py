"""A comment that mentions someone who cannot be reached says so to its author at
once: an unknown name, a person without an e-mail address, someone who cannot see
the court, anyone but the team on a CCPOR-internal item. Those reached are not
listed."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def post_comment(client, item, court, body):
    response = client.post(
        reverse("checklists:comment_add", args=[court.slug, item.pk]),
        {"body": body},
        follow=True,
    )
    return [str(m) for m in response.context["messages"]]


def test_unreachable_mentions_are_named_to_the_author(
    client, start, court, other_court, court_lead, staff_user
):
    item = start(court).items.get(order=11)
    colleague = MembershipFactory(court=court, user__username="pat").user
    UserFactory(username="nomail", email="")
    MembershipFactory(court=court, user__username="nomail")
    MembershipFactory(court=other_court, user__username="stranger")
    client.force_login(court_lead)
    said = post_comment(
        client,
        item,
        court,
        f"@{colleague.username} @nobody @nomail @stranger @{staff_user.username} "
        "@ccpor please look",
    )
    [warning] = [m for m in said if m.startswith("Not told")]
    assert "@nobody: no active account has that user name" in warning
    assert "@nomail: nomail has no e-mail address" in warning
    assert "@stranger: stranger cannot see Court A" in warning
    assert "@pat" not in warning and f"@{staff_user.username}" not in warning


def test_everyone_reached_says_nothing_more(client, start, court, court_lead):
    item = start(court).items.get(order=11)
    MembershipFactory(court=court, user__username="pat")
    client.force_login(court_lead)
    said = post_comment(client, item, court, "@pat thanks")
    assert not [m for m in said if m.startswith("Not told")]

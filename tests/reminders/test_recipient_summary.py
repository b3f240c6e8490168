"""Whether a court's reminders can reach anyone, as the dashboard's "no one to
remind" reads it (joined by query, never stored): after every kind of change to
memberships and people, the dashboard's flag is what the reminders' rule counts
afresh (`reminder_recipient_memberships`)."""

import pytest

from courts.services import membership_add
from dashboard.selectors import no_one_to_remind_q, portfolio_base, portfolio_courts
from reminders.selectors import reminder_recipient_memberships
from tests.conftest import TODAY
from tests.factories import CourtFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def agrees(*onboardings) -> list[int]:
    """How many people each onboarding's court can remind, asserted to agree with
    the dashboard's flag, both as a filter and as the value its rows show."""
    flagged = set(
        portfolio_base().filter(no_one_to_remind_q()).values_list("pk", flat=True)
    )
    shown = dict(portfolio_courts(today=TODAY).values_list("pk", "no_one_to_remind"))
    counts = []
    for onboarding in onboardings:
        n = reminder_recipient_memberships().filter(court_id=onboarding.court_id)
        n = n.count()
        assert (onboarding.court_id in flagged) == (n == 0)
        assert shown[onboarding.court_id] == (n == 0)
        counts.append(n)
    return counts


def test_no_one_to_remind_follows_memberships_and_people(start, court):
    other = CourtFactory(name="Other", slug="other")
    a, b = start(court), start(other)
    assert agrees(a, b) == [0, 0]

    lead = UserFactory(username="lead")
    membership_add(court=court, user=lead, organisation="court", role="project_lead")
    assert agrees(a, b) == [1, 0]
    viewer = MembershipFactory(court=court, role="viewer")  # no reminders for viewers
    assert agrees(a, b) == [1, 0]

    # A role changed (a direct save, as the admin does).
    viewer.role = "it_contact"
    viewer.save()
    assert agrees(a, b) == [2, 0]
    # Moved to another court.
    viewer.court = other
    viewer.save()
    assert agrees(a, b) == [1, 1]

    # People: an address removed, a person deactivated, then back; a sign-in
    # (last_login only) changes nothing.
    lead.email = ""
    lead.save(update_fields=["email"])
    assert agrees(a, b) == [0, 1]
    lead.email = "lead@example.org"
    lead.save()
    assert agrees(a, b) == [1, 1]
    viewer.user.is_active = False
    viewer.user.save(update_fields=["is_active"])
    assert agrees(a, b) == [1, 0]
    lead.save(update_fields=["last_login"])
    assert agrees(a, b) == [1, 0]

    # A membership deleted; a person deleted (their memberships go with them).
    MembershipFactory(court=other, organisation="so", role="liaison")
    assert agrees(a, b) == [1, 1]
    viewer.delete()
    assert agrees(a, b) == [1, 1]
    lead.delete()
    assert agrees(a, b) == [0, 1]

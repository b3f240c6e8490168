"""Whether a court's reminders can reach anyone, kept in the stored summary of its
onboardings (`OnboardingSummary.reminder_recipients`): after every kind of change to
memberships and people, the stored count is what the reminders' rule counts afresh
(`reminder_recipient_memberships`)."""

import pytest

from checklists.models import OnboardingSummary
from courts.services import membership_add
from reminders.selectors import reminder_recipient_memberships
from tests.factories import CourtFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def agrees(*onboardings) -> list[int]:
    """Each onboarding's stored count, asserted equal to the rule's."""
    counts = []
    for onboarding in onboardings:
        stored = OnboardingSummary.objects.get(
            onboarding_id=onboarding.pk
        ).reminder_recipients
        assert (
            stored
            == (
                reminder_recipient_memberships().filter(court_id=onboarding.court_id)
            ).count()
        )
        counts.append(stored)
    return counts


def test_the_stored_recipients_follow_memberships_and_people(start, court):
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
    MembershipFactory(court=other, role="liaison")
    assert agrees(a, b) == [1, 1]
    viewer.delete()
    assert agrees(a, b) == [1, 1]
    lead.delete()
    assert agrees(a, b) == [0, 1]

import datetime

import pytest

from courts.models import Membership
from tests.factories import MembershipFactory, days


@pytest.fixture
def members():
    """Give a court its usual cast; returns {role: user}. A viewer and a member with
    no e-mail address are included: neither gets the reminders."""

    def _members(court, prefix="a"):
        cast = {
            "lead": ("court", Membership.Role.PROJECT_LEAD, True),
            "it": ("court", Membership.Role.IT_CONTACT, True),
            "eo": ("court", Membership.Role.EXECUTIVE_OFFICER, True),
            "so": ("so", Membership.Role.LIAISON, True),
            "viewer": ("court", Membership.Role.VIEWER, True),
            "nomail": ("court", Membership.Role.IT_CONTACT, False),
        }
        users = {}
        for key, (organisation, role, has_email) in cast.items():
            username = f"{prefix}-{key}"
            membership = MembershipFactory(
                court=court,
                organisation=organisation,
                role=role,
                user__username=username,
                user__email=f"{username}@example.org" if has_email else "",
            )
            users[key] = membership.user
        return users

    return _members


@pytest.fixture
def on_day(today):
    """The date `n` days after TODAY (the day onboardings are started)."""

    def _on_day(n: int) -> datetime.date:
        return today + days(n)

    return _on_day

import datetime

import pytest

from checklists import services
from checklists.models import ChecklistTemplate
from tests.factories import CourtFactory, MembershipFactory, UserFactory

# A fixed "today" for date-driven tests: a Wednesday.
TODAY = datetime.date(2026, 3, 4)


@pytest.fixture
def today() -> datetime.date:
    return TODAY


@pytest.fixture
def default_template(db) -> ChecklistTemplate:
    """The 36-item CCPOR template loaded by the data migration."""
    return ChecklistTemplate.objects.get(name="CCPOR court onboarding", version=1)


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff", ccpor_staff=True, is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def court(db):
    return CourtFactory(name="Court A", slug="court-a")


@pytest.fixture
def other_court(db):
    return CourtFactory(name="Court B", slug="court-b")


@pytest.fixture
def court_lead(court):
    return MembershipFactory(court=court, user__username="lead-a").user


@pytest.fixture
def other_lead(other_court):
    return MembershipFactory(court=other_court, user__username="lead-b").user


@pytest.fixture
def start(default_template, staff_user, today):
    """Start an onboarding of the default template, as of TODAY."""

    def _start(court, *, go_live_in=90, carpos=True, so=True, **kwargs):
        return services.onboarding_start(
            court=court,
            go_live_date=today + datetime.timedelta(days=go_live_in),
            court_enters_carpos=carpos,
            so_participates=so,
            started_by=staff_user,
            today=today,
            **kwargs,
        )

    return _start

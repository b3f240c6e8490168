"""The Go-Live cast and stages: a court's executive officer beside its project lead
and SO liaison, and onboardings brought to each gate through the services."""

import pytest

from golive import services
from golive.models import GoNoGoDecision, SignOffKind
from tests.factories import MembershipFactory

from .stages import finish, sign_all


@pytest.fixture
def court_eo(court):
    """The court's executive officer."""
    return MembershipFactory(
        court=court, user__username="eo-a", role="executive_officer"
    ).user


@pytest.fixture
def make_ready(court_eo, court_liaison, staff_user):
    """Bring an active onboarding to the point where it may go live: every item
    before Go-Live done (gates included, documents uploaded), the acceptance signed,
    a "go" recorded."""

    def _make_ready(onboarding):
        finish(onboarding, by=staff_user, up_to=31)
        sign_all(
            onboarding,
            SignOffKind.ACCEPTANCE,
            eo=court_eo,
            liaison=court_liaison,
            staff=staff_user,
        )
        services.go_no_go_record(
            onboarding=onboarding, by=staff_user, decision=GoNoGoDecision.Decision.GO
        )
        return onboarding

    return _make_ready


@pytest.fixture
def live(start, court, make_ready, staff_user):
    """Court A, live (through the gate), Go-Live 20 days from TODAY."""
    onboarding = make_ready(start(court, go_live_in=20))
    return services.onboarding_mark_live(onboarding=onboarding, by=staff_user)


@pytest.fixture
def make_closable(court_eo, court_liaison, staff_user):
    """Bring a live onboarding to the point where it may be closed."""

    def _make_closable(onboarding):
        finish(onboarding, by=staff_user)
        sign_all(
            onboarding,
            SignOffKind.CLOSE_OUT,
            eo=court_eo,
            liaison=court_liaison,
            staff=staff_user,
        )
        return onboarding

    return _make_closable

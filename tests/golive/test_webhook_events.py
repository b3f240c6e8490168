"""The Go-Live phase's signals reach webhooks: a court taken live through its gate
records a delivery for each sign-off, the "go" and the marking live; a revoked
sign-off too."""

import pytest

from golive import services
from golive.models import SignOff
from webhooks import services as webhook_services
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint():
    return webhook_services.endpoint_add(
        name="Team",
        url="https://receiver.example.org/hook",
        secret="a-secret-of-sixteen+",
        events="all",
        by=None,
    )


def test_going_live_and_revoking_are_events(endpoint, live, court_eo, staff_user):
    events = list(Delivery.objects.values_list("event", flat=True))
    assert events.count("sign_off.given") == 3  # EO, SO liaison, CCPOR Team
    assert "onboarding.go_no_go_recorded" in events
    assert "onboarding.marked_live" in events
    assert '"went_live_on"' in Delivery.objects.get(event="onboarding.marked_live").body
    services.onboarding_undo_live(onboarding=live, by=staff_user, reason="Rollback.")
    signature = SignOff.objects.get(signed_by=court_eo)
    services.sign_off_revoke(sign_off=signature, by=court_eo, reason="Retest.")
    # The court's line and the CCPOR Team's with it.
    assert Delivery.objects.filter(event="sign_off.revoked").count() == 2

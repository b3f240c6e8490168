"""Which onboarding a court's portfolio row shows when the court has had several:
its open one, else its latest closed one (it went live), else its latest cancelled
one, whatever order they were made in."""

import pytest

from checklists.models import Onboarding
from checklists.selectors import court_current_onboarding
from dashboard.selectors import portfolio_courts, portfolio_summary
from tests.conftest import TODAY
from tests.factories import CourtFactory

pytestmark = pytest.mark.django_db


def _row(court):
    """The portfolio's pick, asserted to be the court page's too."""
    row = portfolio_courts(today=TODAY).values("ob_id", "ob_status").get(pk=court.pk)
    page = court_current_onboarding(court)
    assert row["ob_id"] == (page.pk if page else None)
    return row


def _ended(onboarding, status):
    """End an onboarding the way the portfolio sees it (only its status counts)."""
    Onboarding.objects.filter(pk=onboarding.pk).update(status=status)
    return onboarding


def test_a_closed_onboarding_wins_over_a_later_cancelled_one(start):
    court = CourtFactory(slug="many")
    _ended(start(court), "cancelled")
    closed = _ended(start(court), "closed")
    _ended(start(court), "cancelled")
    assert _row(court) == {"ob_id": closed.pk, "ob_status": "closed"}


def test_the_latest_of_equals_wins(start):
    court = CourtFactory(slug="again")
    _ended(start(court), "closed")
    latest_closed = _ended(start(court), "closed")
    assert _row(court)["ob_id"] == latest_closed.pk
    _ended(latest_closed, "cancelled")
    _ended(Onboarding.objects.get(court=court, status="closed"), "cancelled")
    assert _row(court)["ob_id"] == latest_closed.pk


def test_an_open_onboarding_wins_over_any_other(start):
    court = CourtFactory(slug="restarted")
    _ended(start(court), "closed")
    active = start(court)
    _ended(start(CourtFactory(slug="other")), "cancelled")
    assert _row(court) == {"ob_id": active.pk, "ob_status": "active"}
    Onboarding.objects.filter(pk=active.pk).update(status="live")
    assert _row(court) == {"ob_id": active.pk, "ob_status": "live"}


def test_each_court_has_one_row_however_many_onboardings(start):
    court = CourtFactory(slug="one-row")
    for status in ("cancelled", "closed", "cancelled"):
        _ended(start(court), status)
    start(court)
    rows = portfolio_courts(today=TODAY).filter(pk=court.pk)
    assert rows.count() == 1
    assert portfolio_summary(today=TODAY).total == portfolio_courts(today=TODAY).count()

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_home_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_home_lists_every_court_with_phase_progress_and_go_live(
    client, staff_user, start, court, other_court
):
    onboarding = start(court, go_live_in=200)
    client.force_login(staff_user)
    response = client.get(reverse("portal:home"))
    html = response.content.decode()
    assert response.status_code == 200
    # 58 superior courts from the data migration plus the two test courts.
    assert len(response.context["courts"]) == 60
    assert "Court A" in html and "Court B" in html
    assert "Superior Court of California, County of Alameda" in html
    row = next(c for c in response.context["courts"] if c.pk == court.pk)
    assert row.onboarding == onboarding
    assert row.onboarding.state.current_phase.name == "Planning"
    assert onboarding.go_live_date.strftime("%b %-d, %Y") in html


def test_member_home_lists_only_their_own_courts(
    client, court_lead, court, other_court
):
    client.force_login(court_lead)
    response = client.get(reverse("portal:home"))
    assert [c.name for c in response.context["courts"]] == ["Court A"]
    assert "Court B" not in response.content.decode()


def test_home_query_count_does_not_grow_with_courts(
    client, staff_user, start, court, other_court, django_assert_num_queries
):
    client.force_login(staff_user)
    start(court)
    # 1 session, 2 user, 3 CCPOR group check, 4 courts, 5 onboardings (prefetch),
    # 6 items aggregated per onboarding and phase, 7 phases.
    with django_assert_num_queries(7):
        client.get(reverse("portal:home"))
    start(other_court)
    MembershipFactory.create_batch(3, court=other_court)
    with django_assert_num_queries(7):
        client.get(reverse("portal:home"))

"""The court page's readiness summary: each onboarding's own rows, read afresh, and
its blockers worded for who looks."""

import pytest

from golive.selectors import live_readiness_for, readiness_for

pytestmark = pytest.mark.django_db


def test_readiness_is_each_onboardings_own_and_current(
    start, court, other_court, make_ready
):
    ready = start(court, go_live_in=10)
    make_ready(ready)
    unready = start(other_court, go_live_in=10)
    assert readiness_for(ready).blockers == []
    assert readiness_for(unready).blockers != []
    one, many = readiness_for(unready), live_readiness_for([unready])[unready.pk]
    assert (one.gates_done, one.gates_total, len(one.blockers)) == (
        many.gates_done,
        many.gates_total,
        len(many.blockers),
    )
    assert readiness_for(ready).blockers == []
    ready.items.filter(is_readiness_gate=True).update(status="in_progress")
    assert readiness_for(ready).blockers != []


def test_the_blockers_list_names_an_internal_task_to_ccpor_staff_only(
    client, start, court, court_lead, staff_user
):
    onboarding = start(court, go_live_in=10)
    gate = onboarding.items.filter(is_readiness_gate=True).order_by("order").first()
    onboarding.items.filter(pk=gate.pk).update(internal_only=True)
    hidden = "A CCPOR Team internal task is not finished."
    url = court.get_absolute_url()
    for user, sees_title in (
        (staff_user, True),
        (court_lead, False),
        (staff_user, True),
    ):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert (hidden in page) is not sees_title
        assert (f"{gate.order}. {gate.title}" in page) is sees_title

"""The stored per-onboarding summary (OnboardingSummary) is refreshed by every kind of
write to the items, in the same transaction: after each, it equals a fresh
computation from the items, and the portfolio's figures equal the court page's."""

import datetime

import pytest
from django.urls import reverse

from checklists import services
from checklists.models import ACTOR_ORDER, ChecklistItem, Onboarding, OnboardingSummary
from checklists.selectors import onboardings_with_status
from tests.conftest import TODAY
from tests.factories import CourtFactory, TemplateItemFactory, days

pytestmark = pytest.mark.django_db


def assert_fresh(onboarding: Onboarding) -> None:
    """The stored summary equals what the items say now, computed two ways: from
    the items themselves, and (counts, phase) by onboardings_with_status."""
    stored = OnboardingSummary.objects.get(onboarding=onboarding)
    items = list(ChecklistItem.objects.filter(onboarding=onboarding))
    open_items = [i for i in items if i.is_open]
    assert stored.total == len(items)
    assert stored.finished == sum(1 for i in items if i.is_finished)
    assert stored.blocked == sum(1 for i in items if i.status == "blocked")
    for actor in ACTOR_ORDER:
        mine = sorted(i.due_date for i in open_items if i.actor == actor)
        assert getattr(stored, f"open_{actor}") == len(mine), actor
    assert stored.oldest_open_due == min((i.due_date for i in open_items), default=None)
    [fresh] = onboardings_with_status(
        [Onboarding.objects.get(pk=onboarding.pk)], today=TODAY
    )
    state = fresh.state
    assert (stored.finished, stored.total) == (
        state.progress.finished,
        state.progress.total,
    )
    assert stored.blocked == state.blocked_count
    assert stored.phase_order == (
        state.current_phase.order if state.current_phase else None
    )


def set_status(item, status, by, reason=""):
    item.refresh_from_db()
    return services.item_set_status(
        item=item, status=status, by=by, expected_version=item.version, reason=reason
    )


def test_start_writes_the_summary(start, court):
    assert_fresh(start(court, go_live_in=120))


def test_every_status_change_refreshes_it(start, court, staff_user):
    onboarding = start(court, go_live_in=120)
    first = onboarding.items.get(order=1)
    set_status(first, "in_progress", staff_user)
    assert_fresh(onboarding)
    set_status(first, "blocked", staff_user, reason="Waiting")
    assert_fresh(onboarding)
    set_status(first, "done", staff_user)
    assert_fresh(onboarding)
    set_status(onboarding.items.get(order=2), "na", staff_user, reason="Moot")
    assert_fresh(onboarding)
    first.refresh_from_db()
    services.item_verify(item=first, by=staff_user, expected_version=first.version)
    assert_fresh(onboarding)
    first.refresh_from_db()
    services.item_reopen(
        item=first, by=staff_user, expected_version=first.version, reason="Redo"
    )
    assert_fresh(onboarding)


def test_bulk_changes_refresh_it(start, court, staff_user):
    onboarding = start(court, go_live_in=120)
    items = list(onboarding.items.filter(order__in=[1, 2, 3, 5]))
    services.items_bulk_set_status(
        items=items,
        status="done",
        by=staff_user,
        expected_versions={i.pk: i.version for i in items},
    )
    assert_fresh(onboarding)


def test_rescheduling_refreshes_it(start, court, staff_user):
    onboarding = start(court, go_live_in=120)
    services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=onboarding.go_live_date + days(30),
        reason="Network delays",
        by=staff_user,
        today=TODAY,
    )
    assert_fresh(onboarding)


def test_processing_model_changes_refresh_it(start, court, staff_user):
    onboarding = start(court, go_live_in=120, carpos=False, so=False)
    assert_fresh(onboarding)
    services.onboarding_set_processing_model(
        onboarding=onboarding,
        court_enters_carpos=True,
        so_participates=True,
        by=staff_user,
    )
    assert_fresh(onboarding)
    onboarding.refresh_from_db()
    services.onboarding_set_processing_model(
        onboarding=onboarding,
        court_enters_carpos=False,
        so_participates=True,
        by=staff_user,
    )
    assert_fresh(onboarding)


def test_an_admin_edit_and_a_replan_refresh_it(
    admin_client, start, court, default_template, staff_user
):
    onboarding = start(court, go_live_in=120)
    item = onboarding.items.get(order=1)
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
        if name != "depends_on"
    }
    data.update(due_date=(TODAY - days(400)).isoformat())
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_fresh(onboarding)

    # A template change brought by a re-plan: whose item it is, and a new item.
    default_template.items.filter(order=1).update(actor="so")
    TemplateItemFactory(template=default_template, order=99, actor="doj")
    services.onboarding_replan(onboarding=onboarding, by=staff_user, reason="v1.1")
    assert onboarding.items.get(order=1).actor == "so"
    assert onboarding.items.filter(order=99).exists()
    assert_fresh(onboarding)


def test_seed_scale_writes_every_summary(db):
    from django.core.management import call_command

    CourtFactory.create_batch(2)
    call_command("seed_scale", courts=70, today=TODAY)
    for onboarding in Onboarding.objects.all():
        assert_fresh(onboarding)


def test_a_write_that_fails_leaves_the_summary_as_it_was(start, court, staff_user):
    onboarding = start(court, go_live_in=120)
    before = OnboardingSummary.objects.get(onboarding=onboarding)
    item = onboarding.items.get(order=26)  # depends on open items: done is refused
    with pytest.raises(Exception):  # noqa: B017, PT011 - the rule's ValidationError
        set_status(item, "done", staff_user)
    after = OnboardingSummary.objects.get(onboarding=onboarding)
    assert (after.finished, after.refreshed_at) == (
        before.finished,
        before.refreshed_at,
    )


def test_a_changed_phase_order_refreshes_every_current_phase(
    admin_client, start, court
):
    onboarding = start(court, go_live_in=120)
    assert OnboardingSummary.objects.get(onboarding=onboarding).phase_order == 1
    from checklists.models import Phase

    planning = Phase.objects.get(slug="planning")
    url = reverse("admin:checklists_phase_change", args=[planning.pk])
    response = admin_client.post(
        url, {"name": planning.name, "slug": planning.slug, "order": 9}
    )
    assert response.status_code == 302
    # Scope (order 2) now comes first and has open items.
    assert OnboardingSummary.objects.get(onboarding=onboarding).phase_order == 2
    assert_fresh(onboarding)


def test_the_portfolio_counts_overdue_as_the_rule_does(start, court):
    """The portfolio's overdue count (SQL over the open items of rows whose oldest
    open item is overdue) agrees with ChecklistItem.is_overdue_on, on and around
    each due date."""
    from dashboard.selectors import portfolio_courts

    onboarding = start(court, go_live_in=60)
    items = list(onboarding.items.all())
    for day in {i.due_date + datetime.timedelta(days=d) for i in items for d in (0, 1)}:
        expected = sum(1 for i in items if i.is_overdue_on(day))
        assert portfolio_courts(today=day).get(pk=court.pk).overdue == expected, day

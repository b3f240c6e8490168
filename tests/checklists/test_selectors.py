import pytest

from checklists import services
from checklists.health import Health
from checklists.models import ChecklistItem, Onboarding
from checklists.selectors import onboardings_with_status
from tests.conftest import TODAY
from tests.factories import CourtFactory, attach_evidence, days

pytestmark = pytest.mark.django_db


def set_status(onboarding, order, status, by, reason=""):
    item = onboarding.items.get(order=order)
    if status in ("done", "na") and item.evidence_required:
        attach_evidence(item, by=by)
    return services.item_set_status(
        item=item, status=status, by=by, expected_version=item.version, reason=reason
    )


def test_a_new_onboarding_is_in_planning_with_no_progress(start, court):
    onboarding = start(court, go_live_in=200)
    [o] = onboardings_with_status([onboarding], today=TODAY)
    assert o.state.current_phase.name == "Planning"
    assert (o.state.progress.finished, o.state.progress.total) == (0, 36)
    assert o.state.progress.percent == 0
    assert o.state.overdue_count == 0
    assert o.state.health == Health.ON_TRACK
    assert o.state.days_to_go_live == 200
    assert [(p.name, pr.total) for p, pr in o.state.phases] == [
        ("Planning", 4),
        ("Scope", 6),
        ("Implement", 17),
        ("Go-Live", 9),
    ]


def test_phase_moves_on_when_a_phase_is_finished_and_na_counts_as_finished(
    start, court, staff_user
):
    onboarding = start(court, go_live_in=200)
    for order in (1, 2, 3):
        set_status(onboarding, order, "done", staff_user)
    set_status(onboarding, 4, "na", staff_user, reason="Lead named at the forum")
    [o] = onboardings_with_status([onboarding], today=TODAY)
    assert o.state.current_phase.name == "Scope"
    assert o.state.progress.finished == 4
    assert o.state.progress.percent == round(100 * 4 / 36)
    planning = o.state.phases[0][1]
    assert planning.is_complete and planning.percent == 100


def test_overdue_counts_open_items_due_before_today_only(start, court, staff_user):
    # Go-Live in 100 days: items due more than 100 days before Go-Live are overdue
    # by the time "today" is 10 days later.
    onboarding = start(court, go_live_in=100)
    later = TODAY + days(10)
    expected = onboarding.items.filter(due_date__lt=later).count()
    set_status(onboarding, 1, "done", staff_user)
    [o] = onboardings_with_status([onboarding], today=later)
    assert expected == 9  # items due at -150 … -95, before -90
    assert o.state.overdue_count == expected - 1
    # Items 10-12 fall due exactly on that day: due today is not overdue.
    assert onboarding.items.filter(due_date=later).count() == 3


def test_a_finished_onboarding_has_no_current_phase(start, court, staff_user):
    onboarding = start(court, go_live_in=10)
    ChecklistItem.objects.filter(onboarding=onboarding).update(status="done")
    [o] = onboardings_with_status([onboarding], today=TODAY)
    assert o.state.current_phase is None and o.state.progress.percent == 100


def test_internal_items_can_be_left_out_of_progress(start, court):
    onboarding = start(court)
    [o] = onboardings_with_status([onboarding], today=TODAY, include_internal=False)
    assert o.state.progress.total == 35


def _onboardings(n: int, staff_user, default_template) -> list[Onboarding]:
    courts = CourtFactory.create_batch(n)
    return [
        services.onboarding_start(
            court=c,
            go_live_date=TODAY + days(40 + i),
            court_enters_carpos=bool(i % 2),
            so_participates=True,
            started_by=staff_user,
            template=default_template,
            today=TODAY,
        )
        for i, c in enumerate(courts)
    ]


@pytest.mark.parametrize("n", [3, 60])
def test_selector_query_count_does_not_grow_with_onboardings(
    n, staff_user, default_template, django_assert_num_queries
):
    onboardings = _onboardings(n, staff_user, default_template)
    fresh = list(Onboarding.objects.filter(pk__in=[o.pk for o in onboardings]))
    # 1. items aggregated per onboarding and phase; 2. the phases.
    with django_assert_num_queries(2):
        result = onboardings_with_status(fresh, today=TODAY)
    assert len(result) == n
    assert all(o.state.progress.total in (33, 36) for o in result)


def test_a_kinds_wording_fits_the_actor(start, court):
    """No DOJ or Sheriff's Office item reads "Response back from the court"."""
    onboarding = start(court)
    labels = {i.order: i.kind_label for i in onboarding.items.all()}
    assert labels[4] == "Response back from the court"  # Court confirms participation
    assert labels[8] == "Response back from the sheriff's office"  # SO confirms role
    assert labels[18] == "Response (approval) from DOJ"  # DOJ approval received
    assert labels[19] == "Sheriff's Office activity"  # CLETS certification
    assert labels[1] == "Meeting / communication from the CCPOR Team"
    wrong = [
        i.order
        for i in onboarding.items.exclude(actor="court")
        if "the court" in i.kind_label or i.kind_label.startswith("Court")
    ]
    assert wrong == []

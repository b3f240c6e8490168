"""Capacity by week: the arithmetic (spread weeks, absences), the capacity view and
GET /api/capacity/, and the warning when a start or a move over-commits a role:
the weeks and roles named, the nearest date that fits, the reason recorded."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checklists import services
from planning import capacity
from planning.models import Absence, CapacityOverride, TeamMember, TeamRole
from tests.factories import CourtFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)  # the week of TODAY (2026-03-04)
WEEK = datetime.timedelta(days=7)


def test_hours_spread_evenly_over_the_weeks_ending_with_the_due_week():
    cells = {}
    capacity.spread(
        cells,
        due=MONDAY + 2 * WEEK + datetime.timedelta(days=3),
        role_id=1,
        hours=24,
        spread_weeks=3,
    )
    assert cells == {
        (MONDAY, 1): 8.0,
        (MONDAY + WEEK, 1): 8.0,
        (MONDAY + 2 * WEEK, 1): 8.0,
    }
    capacity.spread(cells, due=MONDAY, role_id=1, hours=5, spread_weeks=1)
    assert cells[(MONDAY, 1)] == 13.0


def test_absences_take_a_fifth_of_the_hours_per_working_day():
    weeks = [MONDAY, MONDAY + WEEK]
    # Away Thursday to the next Tuesday (the weekend is no working day): two days
    # of the first week, two of the second.
    away = {
        7: [
            (
                MONDAY + datetime.timedelta(days=3),
                MONDAY + WEEK + datetime.timedelta(days=1),
            )
        ]
    }
    cells = capacity.capacity_cells([(7, 1, 40), (8, 1, 10)], away, weeks)
    assert cells[(MONDAY, 1)] == pytest.approx(40 * 3 / 5 + 10)
    assert cells[(MONDAY + WEEK, 1)] == pytest.approx(40 * 3 / 5 + 10)


def test_a_move_is_named_only_for_the_weeks_it_adds_hours_to():
    plan = [capacity.PlanItem(offset=-35, role_id=1, hours=24, spread_weeks=1)]
    go_live = MONDAY + 5 * WEEK  # the item is due on MONDAY
    base = {(MONDAY, 1): 20.0, (MONDAY + WEEK, 1): 20.0}
    cap = {(MONDAY, 1): 32.0, (MONDAY + WEEK, 1): 32.0}
    before = capacity.plan_cells(plan, go_live)
    a_day_later = go_live + datetime.timedelta(days=1)
    check = dict(base=base, capacity=cap, first_week=MONDAY)
    # The same week, a day later: 44 h of 32, but the move adds nothing to it.
    assert capacity.over_committed(plan, a_day_later, **check, before=before) == []
    # A start at that date adds the 24 h: named.
    assert capacity.over_committed(plan, a_day_later, **check) == [
        (MONDAY, 1, 44.0, 32.0)
    ]
    # A week later the move adds 24 h to the next week: named.
    assert capacity.over_committed(plan, go_live + WEEK, **check, before=before) == [
        (MONDAY + WEEK, 1, 44.0, 32.0)
    ]


def _trainer_week(go_live: datetime.date) -> datetime.date:
    """The week of the train-the-trainer sessions (item 25, due 35 days before)."""
    return capacity.monday_of(go_live - datetime.timedelta(days=35))


@pytest.fixture
def two_started(start, frozen_today):
    """Two onboardings going live the same day: their trainers' weeks fill 24 of
    the trainer's 32 hours (item 25: 24 h over two weeks each)."""
    a = start(CourtFactory(name="Alpha", slug="alpha"), go_live_in=91)
    b = start(CourtFactory(name="Beta", slug="beta"), go_live_in=91)
    return a, b


def test_the_capacity_table_counts_load_and_capacity_by_week_and_role(
    two_started, today
):
    go_live = two_started[0].go_live_date
    week = _trainer_week(go_live)
    trainer = TeamMember.objects.get(role__name="Trainer")
    Absence.objects.create(member=trainer, first_day=week, last_day=week)  # Monday
    cells = {
        (c.week_start, c.role): c
        for c in capacity.capacity_table(today=today, weeks=14)
    }
    assert min(w for w, _ in cells) == MONDAY
    cell = cells[(week, "Trainer")]
    assert cell.load_hours == 24.0
    assert cell.capacity_hours == pytest.approx(32 * 4 / 5)
    assert not cell.over
    Absence.objects.create(
        member=trainer, first_day=week, last_day=week + datetime.timedelta(days=2)
    )
    cells = capacity.capacity_table(today=today, weeks=14)
    over = [c for c in cells if c.over]
    assert [(c.week_start, c.role) for c in over] == [(week, "Trainer")]


def test_a_start_into_an_over_committed_window_warns_then_records_the_reason(
    two_started, staff_user, today
):
    go_live = two_started[0].go_live_date
    court = CourtFactory(name="Gamma", slug="gamma")
    kwargs = dict(
        court=court,
        go_live_date=go_live,
        court_enters_carpos=True,
        so_participates=True,
        started_by=staff_user,
        today=today,
    )
    with pytest.raises(ValidationError) as caught:
        services.onboarding_start(capacity_reason="", **kwargs)
    message = caught.value.message_dict["capacity_reason"][0]
    week = _trainer_week(go_live)
    assert f"week of {week:%b} {week.day}: Trainer 36 h of 32 h" in message
    assert "The nearest Go-Live that fits is" in message
    # The proposed date fits, and it is a court day.
    check = capacity.window_check(
        capacity.start_plan(
            template=services.default_template(),
            court_enters_carpos=True,
            so_participates=True,
        ),
        go_live,
        today=today,
    )
    assert check.proposed is not None and check.proposed.weekday() < 5
    assert f"{check.proposed:%B} {check.proposed.day}" in message
    assert capacity.window_check(
        capacity.start_plan(
            template=services.default_template(),
            court_enters_carpos=True,
            so_participates=True,
        ),
        check.proposed,
        today=today,
    ).fits
    onboarding = services.onboarding_start(
        capacity_reason="The court's fiscal year ends then.", **kwargs
    )
    record = CapacityOverride.objects.get(onboarding=onboarding)
    assert record.kind == "start"
    assert record.reason == "The court's fiscal year ends then."
    assert record.proposed_date == check.proposed
    assert {
        "week_start": week.isoformat(),
        "role": "Trainer",
        "load_hours": 36.0,
        "capacity_hours": 32.0,
    } in record.over_committed


def test_a_reschedule_page_warns_then_keeps_the_date_with_a_reason(
    client, two_started, start, staff_user
):
    court = CourtFactory(name="Court A", slug="court-a")
    start(court, go_live_in=200)
    target = two_started[0].go_live_date
    client.force_login(staff_user)
    data = {"go_live_date": target.isoformat(), "reason": "The court asked."}
    response = client.post(reverse("portal:reschedule", args=["court-a"]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "over-commits the CCPOR Team" in page and "Trainer" in page
    assert not CapacityOverride.objects.exists()
    data["capacity_reason"] = "Two trainers borrowed from the e-filing team."
    response = client.post(reverse("portal:reschedule", args=["court-a"]), data)
    assert response.status_code == 302
    record = CapacityOverride.objects.get()
    assert record.kind == "reschedule" and record.go_live_date == target
    assert record.reason == "Two trainers borrowed from the e-filing team."


def test_a_window_that_fits_asks_for_no_reason(start, staff_user, today):
    onboarding = services.onboarding_start(
        court=CourtFactory(),
        go_live_date=today + datetime.timedelta(days=120),
        court_enters_carpos=False,
        so_participates=False,
        started_by=staff_user,
        today=today,
        capacity_reason="",
    )
    assert onboarding.pk and not CapacityOverride.objects.exists()


def test_the_api_gives_weeks_roles_load_and_capacity(client, staff_user, two_started):
    client.force_login(staff_user)
    body = client.get("/api/capacity/", {"weeks": "2"}).json()
    roles = sorted(TeamRole.objects.values_list("name", flat=True))
    assert [(w["week_start"], w["role"]) for w in body["weeks"]] == [
        (week.isoformat(), role) for week in (MONDAY, MONDAY + WEEK) for role in roles
    ]
    assert set(body["weeks"][0]) == {
        "week_start",
        "role",
        "load_hours",
        "capacity_hours",
    }
    assert body["weeks"][0]["capacity_hours"] == 24.0  # the network engineer
    assert len(client.get("/api/capacity/").json()["weeks"]) == 12 * len(roles)
    for bad in ("0", "53", "x", "1.5"):
        response = client.get("/api/capacity/", {"weeks": bad})
        assert response.status_code == 400, bad
        assert response.json()["error"] == "bad_request"


def test_the_capacity_page_marks_over_committed_weeks(
    client, staff_user, two_started, start
):
    start(CourtFactory(name="Gamma", slug="gamma"), go_live_in=91)
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:capacity"), {"weeks": "20"})
    page = response.content.decode()
    assert "36 h of 32 h" in page
    assert "Over-committed</span>" in page
    assert '<th scope="col" class="text-end">Trainer: load of capacity</th>' in page
    # Nonsense asks for the usual 12 weeks, never a 500.
    assert client.get(reverse("dashboard:capacity"), {"weeks": "x"}).status_code == 200


@pytest.mark.parametrize("total_courts", [58, 400])
def test_the_planning_pages_cost_the_same_however_many_courts(
    client, staff_user, default_template, django_assert_num_queries, total_courts
):
    from tests.dashboard.test_dashboard import build_portfolio

    build_portfolio(total_courts, template=default_template)
    client.force_login(staff_user)
    # 1 session, 2 user, 3 group check, 4 the load by week and role (one
    # aggregate), 5 the people, 6 their absences, 7 the roles, 8-9 the team
    # listed with its absences.
    with django_assert_num_queries(9):
        assert client.get(reverse("dashboard:capacity")).status_code == 200
    # 1-3 as above, 4 the newest template, 5-6 its items and their dependencies,
    # 7-8 the finished items' dates and their prerequisites (none here: one
    # query less), the adoptions.
    with django_assert_num_queries(8):
        assert client.get(reverse("dashboard:lead_times")).status_code == 200
    # 1-3 as above (the token or the session), 4-7 the capacity table.
    with django_assert_num_queries(7):
        assert client.get("/api/capacity/").status_code == 200

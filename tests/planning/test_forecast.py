"""The forecast's method on simulated histories (planning.forecast, no database)."""

import datetime

from planning import forecast
from planning.forecast import Work

TODAY = datetime.date(2026, 3, 4)
GO_LIVE = TODAY + datetime.timedelta(days=60)


def day(n: int) -> datetime.date:
    return GO_LIVE + datetime.timedelta(days=n)


def plan(*offsets: int) -> list[Work]:
    """Open items due at these offsets from Go-Live (numbered in order)."""
    return [Work(pk=n, order=n, due=day(o)) for n, o in enumerate(offsets, 1)]


def run(work, lateness, durations=None, seed=1):
    return forecast.simulate(
        work=work,
        lateness=lateness,
        durations=durations or {},
        started_on=TODAY - datetime.timedelta(days=100),
        today=TODAY,
        seed=seed,
    )


def test_a_court_on_time_is_forecast_on_its_target():
    outcome = run(plan(-30, -10, 0), lateness=[0, 0, 0, 0])
    assert outcome.p50 == outcome.p85 == GO_LIVE


def test_a_court_ten_days_late_on_every_item_gets_p50_ten_days_after_target():
    outcome = run(plan(-30, -10, 0), lateness=[10] * 12)
    assert outcome.p50 == day(10)


def test_p85_covers_the_courts_worse_habits():
    # Mostly on time, now and then 20 days late: P50 on target, P85 20 days later.
    outcome = run(plan(-30, 0), lateness=[0] * 7 + [20] * 3)
    assert outcome.p50 == GO_LIVE
    assert outcome.p85 == day(20)


def test_items_due_after_go_live_are_not_counted_by_the_caller_but_dates_matter():
    # The forecast is of the last counted item: an item due 45 days after Go-Live,
    # if it were given, would carry the date; the selectors leave those out
    # (tests/planning/test_services.py checks that side).
    assert run(plan(-5, 45), lateness=[0] * 3).p50 == day(45)
    assert run(plan(-5), lateness=[0] * 3).p50 == day(-5)


def test_other_courts_durations_push_an_item_that_could_not_start_sooner():
    # Item 2 needs item 1, due (and forecast) 10 days from now; other courts took
    # 70 days to do item 2 once item 1 was done: 80 days from now, well after
    # item 2's due date.
    work = [
        Work(pk=1, order=1, due=day(-50)),
        Work(pk=2, order=2, due=day(-40), depends_on=(1,)),
    ]
    outcome = run(work, lateness=[0] * 3, durations={2: [70] * 5})
    assert outcome.p50 == TODAY + datetime.timedelta(days=80)
    # Without other courts' durations, its due date.
    assert run(work, lateness=[0] * 3).p50 == day(-40)


def test_finished_items_are_fixed_and_nothing_finishes_before_today():
    work = [
        Work(pk=1, order=1, due=day(-90), finished_on=TODAY),
        Work(pk=2, order=2, due=TODAY - datetime.timedelta(days=3)),
    ]
    outcome = run(work, lateness=[0] * 3)
    assert outcome.remaining == 1
    assert outcome.p50 == TODAY


def test_the_same_history_gives_the_same_forecast():
    lateness = [0, 3, 7, 12, 30, -2, 5]
    durations = {2: [5, 9, 40], 3: [1, 2, 60]}
    work = [Work(pk=n, order=n, due=day(-10 * n), depends_on=(1,)) for n in (2, 3)]
    first = run(work, lateness, durations, seed=7)
    again = run(work, lateness, durations, seed=7)
    assert first == again
    assert first.quantiles == sorted(first.quantiles)
    assert len(first.quantiles) == forecast.QUANTILE_STEPS + 1


def test_pace_counts_finished_and_overdue_items_and_pads_with_on_time():
    due = TODAY - datetime.timedelta(days=20)
    assert forecast.pace(finished=[], open_dues=[], today=TODAY) == [0, 0, 0]
    figures = forecast.pace(
        finished=[(due, due + datetime.timedelta(days=4))],
        open_dues=[due, TODAY + datetime.timedelta(days=5)],
        today=TODAY,
    )
    # 4 days late; 20 days overdue and still open; the item not yet due says
    # nothing; one "on time" pads the figures to three.
    assert figures == [4, 20, 0]


def test_all_live_is_the_latest_of_every_court():
    as_of = TODAY
    result = forecast.all_live([(as_of, [10] * 21), (as_of, [30] * 21)], seed=1)
    assert result == (day(-30), day(-30))
    assert forecast.all_live([], seed=1) is None


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert forecast.percentile(values, 0.5) == 50
    assert forecast.percentile(values, 0.85) == 85
    assert forecast.percentile(values, 0) == 1

import datetime
import re

import pytest
from django.template.loader import render_to_string

from checklists.models import ChecklistItem, Onboarding, Phase
from checklists.timeline import build_timeline, x_for

pytestmark = pytest.mark.django_db

# Fixed dates chosen so that one day is exactly 4 px: the plot runs from x=112 to
# x=936 (824 px) and the dates shown from Jan 1 to Jul 26, 2026 (206 days), i.e. the
# earliest item (Jan 8) and the latest (Jul 19) with a week's margin each side.
GO_LIVE = datetime.date(2026, 6, 1)
TODAY = datetime.date(2026, 3, 4)
START = datetime.date(2026, 1, 1)


def x(date: datetime.date) -> float:
    return 112 + 4 * (date - START).days


def item(order, phase, due, status="not_started", actor="court"):
    return ChecklistItem(
        order=order,
        title=f"Item {order}",
        phase=phase,
        actor=actor,
        kind="activity",
        offset_days=(due - GO_LIVE).days,
        due_date=due,
        status=status,
    )


@pytest.fixture
def phases():
    return {p.slug: p for p in Phase.objects.all()}


@pytest.fixture
def onboarding(court):
    return Onboarding(pk=7, court=court, go_live_date=GO_LIVE, status="active")


@pytest.fixture
def items(phases):
    return [
        item(1, phases["planning"], datetime.date(2026, 1, 8), "done", actor="ccpor"),
        item(2, phases["planning"], datetime.date(2026, 3, 10), "in_progress"),
        item(3, phases["scope"], datetime.date(2026, 3, 1)),  # open, due before today
        item(4, phases["implement"], datetime.date(2026, 4, 1), "blocked"),
        item(5, phases["implement"], datetime.date(2026, 4, 1), "na"),
        item(6, phases["go-live"], GO_LIVE),
        item(7, phases["go-live"], datetime.date(2026, 7, 19)),
    ]


def test_dates_map_linearly_between_the_plot_edges():
    end = datetime.date(2026, 7, 26)
    kw = {"start": START, "end": end, "left": 112.0, "right": 936.0}
    assert x_for(START, **kw) == 112.0
    assert x_for(end, **kw) == 936.0
    assert x_for(datetime.date(2026, 3, 4), **kw) == 360.0


def test_marks_and_today_sit_at_their_dates(onboarding, items):
    tl = build_timeline(onboarding=onboarding, items=items, today=TODAY)

    assert (tl.start, tl.end) == (START, datetime.date(2026, 7, 26))
    assert [(m.name, m.date, m.x) for m in tl.marks] == [
        ("60-day", datetime.date(2026, 4, 2), 476.0),
        ("30-day", datetime.date(2026, 5, 2), 596.0),
        ("Go-Live", GO_LIVE, 716.0),
    ]
    assert (tl.today.date, tl.today.x) == (TODAY, 360.0)
    assert [m.days_to for m in tl.marks] == [29, 59, 89]


def test_items_are_points_at_their_due_dates(onboarding, items):
    tl = build_timeline(onboarding=onboarding, items=items, today=TODAY)
    by_order = {p.order: p for p in tl.points}

    assert {o: p.x for o, p in by_order.items()} == {
        i.order: x(i.due_date) for i in items
    }
    assert by_order[1].x == 140.0
    assert by_order[7].x == 908.0
    # Two items due the same day in the same phase are stacked, not hidden.
    assert by_order[4].x == by_order[5].x
    assert by_order[4].y != by_order[5].y


def test_overdue_and_blocked_are_told_apart_by_shape(onboarding, items):
    tl = build_timeline(onboarding=onboarding, items=items, today=TODAY)
    by_order = {p.order: p for p in tl.points}

    assert by_order[3].overdue and by_order[3].shape == "triangle"
    assert by_order[4].shape == "diamond" and not by_order[4].overdue
    assert {by_order[o].shape for o in (1, 2, 5, 6, 7)} == {"circle"}
    assert not by_order[1].overdue  # done items are never overdue
    assert by_order[1].fill != by_order[2].fill  # done and in progress differ
    assert [p.order for p in tl.overdue_points] == [3]


def test_phase_bands_span_their_items(onboarding, items):
    tl = build_timeline(onboarding=onboarding, items=items, today=TODAY)
    bands = {b.name: b for b in tl.bands}

    assert list(bands) == ["Planning", "Scope", "Implement", "Go-Live"]
    planning = bands["Planning"]
    assert (planning.start, planning.end) == (
        datetime.date(2026, 1, 8),
        datetime.date(2026, 3, 10),
    )
    # From the first point to the last, with room for the points' radius (8 px).
    assert planning.x == x(planning.start) - 8
    assert planning.x + planning.width == x(planning.end) + 8
    assert bands["Go-Live"].item_count == 2
    # Lanes are stacked top to bottom in phase order without overlapping.
    lanes = [(b.lane_y, b.lane_y + b.lane_height) for b in tl.bands]
    assert all(a[1] == b[0] for a, b in zip(lanes, lanes[1:], strict=False))


def test_summary_says_what_the_picture_shows(onboarding, items):
    tl = build_timeline(onboarding=onboarding, items=items, today=TODAY)
    assert tl.summary.startswith(
        "60-day mark April 2, 2026; 30-day mark May 2, 2026; Go-Live June 1, 2026. "
        "Today is March 4, 2026."
    )
    assert "Planning: 2 items due January 8, 2026 to March 10, 2026." in tl.summary
    assert "1 overdue" in tl.summary
    assert "1 blocked" in tl.summary


def render(onboarding, items, today=TODAY) -> str:
    return render_to_string(
        "checklists/_timeline.html",
        {"onboarding": onboarding, "items": items, "today": today},
    )


def test_template_draws_marks_today_and_points_at_their_x(onboarding, items):
    svg = render(onboarding, items)

    assert 'role="img"' in svg
    assert 'aria-labelledby="timeline-7-title timeline-7-desc"' in svg
    assert '<title id="timeline-7-title">' in svg
    assert '<desc id="timeline-7-desc">60-day mark April 2, 2026;' in svg
    assert 'data-mark="60-day" x1="476.0" x2="476.0"' in svg
    assert 'data-mark="30-day" x1="596.0" x2="596.0"' in svg
    assert 'data-mark="Go-Live" x1="716.0" x2="716.0"' in svg
    assert 'data-mark="Today" x1="360.0" x2="360.0"' in svg
    points = dict(
        re.findall(r'data-item="(\d+)"[^>]*transform="translate\(([\d.]+) ', svg)
    )
    assert {int(k): float(v) for k, v in points.items()} == {
        i.order: x(i.due_date) for i in items
    }


def test_template_marks_overdue_without_colour_and_has_a_text_version(
    onboarding, items
):
    svg = render(onboarding, items)

    overdue = re.search(r'<g class="timeline-point timeline-(\w+)" data-item="3"', svg)
    assert overdue.group(1) == "triangle"
    assert 'data-item="3" data-due="2026-03-01" data-status="not_started" ' in svg
    assert 'data-overdue="true"' in svg
    described = (
        "3. Item 3 (Court, Court activity): due Mar 1, 2026, Not started, overdue"
    )
    assert f"<title>{described}</title>" in svg
    assert "The timeline as text" in svg
    assert f"<li>{described}</li>" in svg
    assert "Overdue (triangle)" in svg  # the legend names the shape


def test_template_draws_nothing_without_onboarding_or_items(onboarding):
    assert "<svg" not in render(None, [])
    assert "<svg" not in render(onboarding, [])


def test_real_checklist_draws_every_visible_item(start, court):
    onboarding = start(court, go_live_in=90)
    items = onboarding.items.select_related("phase")
    svg = render(onboarding, items)
    assert svg.count('class="timeline-point ') == 36
    assert svg.count('class="timeline-band"') == 4

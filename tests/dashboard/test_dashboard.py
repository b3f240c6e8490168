"""The CCPOR Team dashboard: summary, portfolio (filters, sort, pages), statewide
tiles, overdue items, access, and query counts that do not grow with the courts."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.urls import reverse

from checklists import services
from checklists.health import HEALTH_BY_RANK, Health
from checklists.marks import next_mark
from checklists.models import Actor, ChecklistItem, Onboarding, Phase
from checklists.selectors import onboardings_with_status, open_items_by_actor
from courts.models import Court
from dashboard import filters
from dashboard.selectors import portfolio_courts
from tests.conftest import TODAY
from tests.factories import (
    CourtFactory,
    MembershipFactory,
    UserFactory,
    days,
)

pytestmark = pytest.mark.django_db

DASHBOARD_URLS = [
    reverse("dashboard:index"),
    reverse("dashboard:index") + "?health=late&sort=-overdue",
    reverse("dashboard:statewide"),
    reverse("dashboard:overdue"),
    reverse("dashboard:overdue") + "?group=court",
    reverse("dashboard:export_portfolio"),
    reverse("dashboard:export_items"),
]


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    """The dashboard's "today" is TODAY, whatever the clock says."""
    pin_today(monkeypatch, TODAY)


def pin_today(monkeypatch, day) -> None:
    """The dashboard's views (pages and exports) see `day` as today."""
    for module in ("dashboard.views.portfolio", "dashboard.views.exports"):
        monkeypatch.setattr(f"{module}.today_in_california", lambda: day)


# --- Data -------------------------------------------------------------------------


def build_portfolio(total_courts: int, *, template, today=TODAY) -> None:
    """Bring the active courts up to `total_courts` (the 58 superior courts of the
    data migration plus bulk ones, one in ten tribal) and give five in six an
    onboarding (active, live or cancelled, Go-Live dates spread over ten months) with
    six items across the actors and statuses. A handful of bulk inserts."""
    existing = Court.objects.count()
    Court.objects.bulk_create(
        Court(
            name=f"Bulk Court {i:05d}",
            slug=f"bulk-court-{i:05d}",
            court_type="tribal" if i % 10 == 0 else "superior",
            district=None if i % 10 == 0 else i % 6 + 1,
        )
        for i in range(total_courts - existing)
    )
    courts = list(Court.objects.order_by("pk"))
    statuses = ["active", "active", "active", "live", "cancelled", None]
    onboardings = Onboarding.objects.bulk_create(
        Onboarding(
            court=court,
            template=template,
            go_live_date=today + days(20 + i * 37 % 300),
            court_enters_carpos=True,
            so_participates=True,
            status=statuses[i % len(statuses)],
        )
        for i, court in enumerate(courts)
        if statuses[i % len(statuses)]
    )
    phases = list(Phase.objects.order_by("order"))
    # (actor, status, due in days from today), then varied per onboarding below so
    # that the courts spread over every health and phase.
    plan = [
        ("court", "done", -60),
        ("court", "not_started", -20),
        ("so", "in_progress", 5),
        ("ccpor", "in_progress", 10),
        ("doj", "not_started", 40),
        ("ccpor", "na", -1),
    ]

    def item(i, n, actor, status, due):
        if n == 1:
            due += i % 25  # from 20 days overdue to not yet due
        if n == 2 and i % 4 == 0:
            status = "blocked"
        return ChecklistItem(
            onboarding=onboardings[i],
            phase=phases[(n + i) % len(phases)],
            order=n + 1,
            title=f"Item {n + 1}",
            actor=actor,
            kind="activity",
            offset_days=-30,
            due_date=today + days(due),
            status=status,
        )

    ChecklistItem.objects.bulk_create(
        item(i, n, *row) for i in range(len(onboardings)) for n, row in enumerate(plan)
    )
    services.onboarding_summaries_refresh(onboarding_ids=[o.pk for o in onboardings])
    analyze_portfolio_tables()


def analyze_portfolio_tables() -> None:
    """What autovacuum does for a real database after a bulk load: fresh planner
    statistics. Rows bulk-inserted inside a test's transaction have none, and a plan
    made for empty tables can take minutes at hundreds of courts (the query counts the
    tests assert are the same either way)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (
            "courts_court",
            "checklists_onboarding",
            "checklists_checklistitem",
            "checklists_onboardingsummary",
            "courts_membership",
        ):
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 - fixed table names


def set_items(onboarding, orders, **fields):
    """Put items in a state directly (bypassing the services' rules), and refresh
    the onboarding's stored summary as the services do."""
    onboarding.items.filter(order__in=orders).update(**fields)
    services.onboarding_summaries_refresh(onboarding_ids=[onboarding.pk])


@pytest.fixture
def portfolio(start, default_template):
    """A few courts in known states on TODAY, besides the 58 not-started ones."""
    made = {}
    # Planning, nothing due yet: on track, 200 days to go.
    made["calm"] = start(
        CourtFactory(name="Calm", slug="calm", district=2), go_live_in=200
    )
    # First item 10 days overdue: at risk.
    made["slipping"] = start(
        CourtFactory(name="Slipping", slug="slipping", district=3), go_live_in=140
    )
    # First items 30, 20 and 15 days overdue: late.
    made["behind"] = start(
        CourtFactory(name="Behind", slug="behind", district=3), go_live_in=120
    )
    # Planning finished, nothing overdue, a Scope item blocked: at risk, in Scope.
    blocked = start(
        CourtFactory(name="Stuck", slug="stuck", district=4), go_live_in=135
    )
    set_items(blocked, [1, 2, 3, 4], status="done")
    set_items(blocked, [5], status="blocked", blocked_reason="Waiting on the county")
    made["stuck"] = blocked
    # Tribal court, Go-Live in 25 days, all done up to the Go-Live phase: on track.
    soon = start(
        CourtFactory(
            name="River Tribal Court", slug="river", court_type="tribal", district=None
        ),
        go_live_in=25,
    )
    soon.items.filter(due_date__lte=TODAY + days(5)).update(status="done")
    made["river"] = soon
    live = start(CourtFactory(name="Golden", slug="golden", district=1), go_live_in=60)
    live.items.update(status="done")
    Onboarding.objects.filter(pk=live.pk).update(status="live")
    made["golden"] = live
    cancelled = start(
        CourtFactory(name="Dropped", slug="dropped", district=5), go_live_in=90
    )
    Onboarding.objects.filter(pk=cancelled.pk).update(status="cancelled")
    made["dropped"] = cancelled
    services.onboarding_summaries_refresh(onboarding_ids=[o.pk for o in made.values()])
    return made


def table_slugs(response) -> list[str]:
    """Court slugs of the portfolio table's rows, in order."""
    return [row.court.slug for row in response.context["rows"]]


# --- Access -------------------------------------------------------------------------


@pytest.mark.parametrize("url", DASHBOARD_URLS)
@pytest.mark.parametrize(
    "who", ["anonymous", "court_member", "so_member", "two_courts", "no_court"]
)
def test_only_ccpor_staff_reach_the_dashboard(client, url, who, court, other_court):
    next_query = QueryDict(mutable=True)
    next_query["next"] = url
    expected = {
        "anonymous": f"{reverse('login')}?{next_query.urlencode(safe='/')}",
        "court_member": court.get_absolute_url(),
        "so_member": court.get_absolute_url(),
        "two_courts": reverse("portal:home"),
        "no_court": reverse("portal:home"),
    }[who]
    if who != "anonymous":
        user = UserFactory()
        if who in ("court_member", "two_courts"):
            MembershipFactory(user=user, court=court, organisation="court")
        if who == "so_member":
            MembershipFactory(user=user, court=court, organisation="so")
        if who == "two_courts":
            MembershipFactory(user=user, court=other_court)
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_ccpor_staff_and_superusers_reach_every_dashboard_url(
    client, url, staff_user, superuser
):
    for user in (staff_user, superuser):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_a_member_is_told_why_they_were_sent_to_their_court(client, court_lead, court):
    client.force_login(court_lead)
    response = client.get(reverse("dashboard:index"), follow=True)
    assert response.redirect_chain[-1][0] == court.get_absolute_url()
    assert "The dashboard is for the CCPOR Team." in [
        str(m) for m in response.context["messages"]
    ]


def test_dashboard_link_in_the_nav_for_ccpor_staff_only(client, staff_user, court_lead):
    link = f'href="{reverse("dashboard:index")}"'
    client.force_login(staff_user)
    assert link in client.get(reverse("portal:home")).content.decode()
    client.force_login(court_lead)
    assert link not in client.get(reverse("portal:home")).content.decode()


# --- Summary ------------------------------------------------------------------------


def test_summary_counts_courts_go_lives_and_overdue_items_by_actor(
    client, staff_user, portfolio
):
    client.force_login(staff_user)
    summary = client.get(reverse("dashboard:index")).context["summary"]
    active_courts = Court.objects.filter(is_active=True).count()
    assert summary.total == active_courts == 58 + 7
    assert summary.live == 1  # golden
    assert summary.onboarding == 5  # calm, slipping, behind, stuck, river
    assert summary.not_started == 58 + 1  # the untouched 58 and dropped (cancelled)
    # Go-Live within 90 days of today: river (25 days); golden's is 60 days out but
    # it is live already, which still counts as an open onboarding going live.
    assert summary.go_lives_soon == 2
    expected = {actor: 0 for actor in ("court", "so", "ccpor", "doj")}
    for item in ChecklistItem.objects.filter(
        onboarding__status__in=["active", "live"],
        status__in=ChecklistItem.OPEN_STATUSES,
        due_date__lt=TODAY,
    ):
        expected[item.actor] += 1
    assert summary.overdue_by_actor == expected
    assert summary.overdue_total == sum(expected.values()) > 0


def test_inactive_courts_are_left_out(client, staff_user, portfolio):
    Court.objects.filter(slug="calm").update(is_active=False)
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:index") + "?status=onboarding")
    assert response.context["summary"].total == 58 + 6
    assert "calm" not in table_slugs(response)


def test_overdue_items_of_inactive_courts_are_left_out(client, staff_user, portfolio):
    client.force_login(staff_user)
    before = client.get(reverse("dashboard:index")).context["summary"]
    behind = Court.objects.get(slug="behind")
    assert behind.onboardings.get().items.overdue(TODAY).exists()
    Court.objects.filter(pk=behind.pk).update(is_active=False)
    cache.clear()  # an update() bypasses the portfolio cache's versioning
    after = client.get(reverse("dashboard:index")).context["summary"]
    assert after.overdue_total < before.overdue_total
    response = client.get(reverse("dashboard:overdue"))
    courts = {item.onboarding.court.slug for item in response.context["page"]}
    assert "behind" not in courts and "slipping" in courts


# --- Filters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("health=on_track", {"calm", "river"}),
        ("health=at_risk", {"slipping", "stuck"}),
        ("health=late", {"behind"}),
        ("status=live", {"golden"}),
        ("status=onboarding&phase=scope", {"stuck"}),
        ("status=onboarding&phase=planning", {"calm", "slipping", "behind"}),
        ("phase=go-live", {"river"}),
        ("status=onboarding&district=3", {"slipping", "behind"}),
        ("court_type=tribal", {"river"}),
        ("window=next_30", {"river"}),
        ("window=next_90", {"river", "golden"}),
        ("window=later", {"calm", "slipping", "behind", "stuck"}),
        ("q=sLiP", {"slipping"}),
        ("go_live_after=2026-09-01&go_live_before=2026-09-30", {"calm"}),
        ("health=at_risk&district=4", {"stuck"}),
    ],
)
def test_filters_select_the_right_courts(
    client, staff_user, portfolio, query, expected
):
    client.force_login(staff_user)
    response = client.get(f"{reverse('dashboard:index')}?{query}")
    assert set(table_slugs(response)) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_go_live_windows_include_their_edge_days(client, staff_user, start):
    """Each window holds both its first and its last day (Go-Live today is "in the
    next 30 days", day 90 is still "next 90", day 91 is "later"), and an active
    onboarding whose Go-Live was yesterday has passed; the summary's "Go-Lives in
    the next 90 days" is the same window."""
    edges = (-1, 0, 30, 31, 60, 61, 90, 91)
    for n in edges:
        onboarding = start(
            CourtFactory(name=f"Edge {n:+03d}", slug=f"edge-{n + 1}"),
            go_live_in=max(n, 0),
        )
        Onboarding.objects.filter(pk=onboarding.pk).update(go_live_date=TODAY + days(n))
    expected = {
        "passed": {-1},
        "next_30": {0, 30},
        "next_60": {0, 30, 31, 60},
        "next_90": {0, 30, 31, 60, 61, 90},
        "later": {91},
    }
    client.force_login(staff_user)
    for window, in_window in expected.items():
        response = client.get(f"{reverse('dashboard:index')}?window={window}")
        assert set(table_slugs(response)) == {f"edge-{n + 1}" for n in in_window}, (
            window
        )
    summary = client.get(reverse("dashboard:index") + "?sort=court").context["summary"]
    assert summary.go_lives_soon == len(expected["next_90"])


def test_a_closed_out_court_counts_as_live_on_the_statewide_view(start):
    """The statewide counts by district and stage place a closed-out court with the
    live ones, not with the courts that never started."""
    from checklists.selectors import phases
    from dashboard.presenters import statewide_summary
    from dashboard.selectors import statewide_counts
    from dashboard.views.portfolio import TILE_STYLES

    onboarding = start(CourtFactory(name="Finished", slug="finished"), go_live_in=30)
    Onboarding.objects.filter(pk=onboarding.pk).update(status="closed")

    summary = statewide_summary(
        statewide_counts(today=TODAY), styles=TILE_STYLES, phases=phases()
    )

    assert sum(line.live for line in summary["districts"]) == 1
    assert sum(line.not_started for line in summary["districts"]) == (
        Court.objects.count() - 1
    )


def test_a_court_onboarding_again_after_a_close_out_counts_as_onboarding(
    client, staff_user, start
):
    court = CourtFactory(name="Again", slug="again")
    first = start(court, go_live_in=30)
    Onboarding.objects.filter(pk=first.pk).update(status="closed")
    start(court, go_live_in=200)
    client.force_login(staff_user)
    url = reverse("dashboard:index")
    assert table_slugs(client.get(url + "?status=onboarding&q=again")) == ["again"]
    assert table_slugs(client.get(url + "?status=live&q=again")) == []


def test_the_summary_of_no_courts_at_all_is_zeros(client, staff_user):
    """A new installation before its courts are loaded: nothing overdue anywhere."""
    from dashboard.selectors import portfolio_summary

    Court.objects.all().delete()

    summary = portfolio_summary(today=TODAY)

    assert (summary.total, summary.overdue_total) == (0, 0)
    assert set(summary.overdue_by_actor.values()) == {0}
    client.force_login(staff_user)
    assert client.get(reverse("dashboard:index")).status_code == 200


def test_a_closed_out_court_counts_as_live(client, staff_user, start):
    onboarding = start(CourtFactory(name="Finished", slug="finished"), go_live_in=30)
    Onboarding.objects.filter(pk=onboarding.pk).update(status="closed")
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:index") + "?status=live")
    assert table_slugs(response) == ["finished"]
    assert response.context["rows"][0].status_label == "Live (closed out)"
    assert response.context["summary"].live == 1
    response = client.get(reverse("dashboard:index") + "?status=not_started&q=fini")
    assert table_slugs(response) == []


def test_sort_by_status_puts_courts_not_started_last(client, staff_user, start):
    """Onboarding, live, closed out, cancelled, then never started, whatever the
    names."""
    for name, status in [
        ("Zeta Active", "active"),
        ("Zeta Live", "live"),
        ("Zeta Closed", "closed"),
        ("Zeta Dropped", "cancelled"),
    ]:
        onboarding = start(CourtFactory(name=name, slug=name.lower().replace(" ", "-")))
        Onboarding.objects.filter(pk=onboarding.pk).update(status=status)
    CourtFactory(name="Zeta Alpha", slug="zeta-alpha")  # never started
    client.force_login(staff_user)
    response = client.get(
        reverse("dashboard:index") + "?q=zeta&sort=status&not_started=show"
    )
    assert table_slugs(response) == [
        "zeta-active",
        "zeta-live",
        "zeta-closed",
        "zeta-dropped",
        "zeta-alpha",
    ]


def test_the_search_matches_the_name_or_the_county(client, staff_user):
    """Case-insensitive, on either field: a tribal court is found by its county too,
    with the superior court of that county; surrounding spaces are ignored."""
    CourtFactory(
        name="Blue Lake Rancheria Tribal Court",
        slug="blue-lake",
        court_type="tribal",
        district=None,
        county="Humboldt",
    )
    client.force_login(staff_user)
    for query, expected in [
        ("hUmBoLdT", {"humboldt", "blue-lake"}),
        ("  rancheria ", {"blue-lake"}),
        ("County of Humboldt", {"humboldt"}),
    ]:
        response = client.get(
            reverse("dashboard:index"), {"q": query, "not_started": "show"}
        )
        assert set(table_slugs(response)) == expected, query


def test_status_not_started_counts_cancelled_and_never_started(
    client, staff_user, portfolio
):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:index") + "?status=not_started&q=drop")
    assert table_slugs(response) == ["dropped"]
    response = client.get(reverse("dashboard:index") + "?status=not_started")
    assert response.context["page"].paginator.count == 58 + 1


def test_a_filter_it_cannot_read_is_reported_and_ignored(client, staff_user, portfolio):
    client.force_login(staff_user)
    response = client.get(
        reverse("dashboard:index") + "?health=bad&sort=nonsense&not_started=show"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some filters were not understood" in page
    assert "Select a valid choice. bad is not one of the available choices." in page
    # Nothing is filtered out, and the rows keep the default order (attention).
    assert response.context["page"].paginator.count == 58 + 7
    default = client.get(reverse("dashboard:index") + "?not_started=show")
    assert table_slugs(response) == table_slugs(default)
    # A view with a filter it cannot read is not remembered.
    assert client.get(reverse("dashboard:index")).status_code == 302


# --- Sort ---------------------------------------------------------------------------


def test_sort_by_overdue_descending_puts_the_most_overdue_first(
    client, staff_user, portfolio
):
    client.force_login(staff_user)
    response = client.get(
        reverse("dashboard:index") + "?status=onboarding&sort=-overdue"
    )
    rows = response.context["rows"]
    assert [r.court.slug for r in rows][:2] == ["behind", "slipping"]
    assert [r.overdue for r in rows] == sorted((r.overdue for r in rows), reverse=True)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("court", ["behind", "calm", "river", "slipping", "stuck"]),
        ("-court", ["stuck", "slipping", "river", "calm", "behind"]),
        ("go_live", ["river", "behind", "stuck", "slipping", "calm"]),
        ("-days", ["calm", "slipping", "stuck", "behind", "river"]),
        # Worst first, ties by name.
        ("health", ["behind", "slipping", "stuck", "calm", "river"]),
        ("-health", ["calm", "river", "slipping", "stuck", "behind"]),
        ("phase", ["behind", "calm", "slipping", "stuck", "river"]),
        ("-progress", ["river", "stuck", "behind", "calm", "slipping"]),
        # Superior before tribal, then by district, ties by name.
        ("type", ["calm", "behind", "slipping", "stuck", "river"]),
        # By district (the column's heading), tribal courts (none) last both ways.
        ("district", ["calm", "behind", "slipping", "stuck", "river"]),
        ("-district", ["stuck", "behind", "slipping", "calm", "river"]),
        # Next mark: river's Go-Live in 25 days, then the others' 60-day marks.
        ("next_mark", ["river", "behind", "stuck", "slipping", "calm"]),
        ("-blocked", ["stuck", "behind", "calm", "river", "slipping"]),
    ],
)
def test_sort_orders_the_rows(client, staff_user, portfolio, sort, expected):
    client.force_login(staff_user)
    response = client.get(f"{reverse('dashboard:index')}?status=onboarding&sort={sort}")
    assert table_slugs(response) == expected


def test_sort_keys_match_the_values_shown(client, staff_user, portfolio):
    """Every sortable column, both ways: the rows come out ordered by what they show,
    empty values last."""
    client.force_login(staff_user)
    shown = {
        "go_live": lambda r: r.go_live,
        "progress": lambda r: r.progress.finished / (r.progress.total or 1),
        "overdue": lambda r: r.overdue,
        "blocked": lambda r: r.blocked,
        "next_mark": lambda r: r.next_mark and r.next_mark.date,
        **{
            f"open_{a}": (lambda r, a=a: r.open_by_actor[a])
            for a in ("court", "so", "ccpor", "doj")
        },
    }
    for key, value in shown.items():
        for descending in (False, True):
            sort = f"-{key}" if descending else key
            response = client.get(
                f"{reverse('dashboard:index')}?sort={sort}&q=&status=onboarding"
            )
            values = [value(r) for r in response.context["rows"]]
            present = [v for v in values if v is not None]
            assert present == sorted(present, reverse=descending), sort
            assert values[len(present) :] == [None] * (len(values) - len(present))


def test_sort_headers_are_links_with_aria_sort_that_keep_the_filters(
    client, staff_user, portfolio
):
    client.force_login(staff_user)
    page = client.get(
        reverse("dashboard:index") + "?health=late&sort=-overdue&page=1"
    ).content.decode()
    # The sorted column says so; a second click sorts it the other way.
    sorted_th = re.search(
        r'<th scope="col"[^>]*aria-sort="descending"[^>]*>(.*?)</th>', page, re.S
    )
    assert "Overdue" in sorted_th.group(1)
    assert 'href="?health=late&amp;sort=overdue"' in sorted_th.group(1)
    # Other columns sort ascending first (keeping the filter, dropping the page)...
    assert 'href="?health=late&amp;sort=go_live"' in page
    # ...except counts, where the biggest is the news.
    assert 'href="?health=late&amp;sort=-blocked"' in page
    assert page.count("aria-sort=") == 1
    assert "<caption" in page and 'scope="row"' in page


def test_fifty_rows_a_page_and_links_that_keep_the_filters(client, staff_user):
    client.force_login(staff_user)
    response = client.get(
        reverse("dashboard:index") + "?court_type=superior&not_started=show&page=2"
    )
    assert response.context["page"].paginator.count == 58
    assert len(response.context["rows"]) == 8
    assert (
        'href="?court_type=superior&amp;not_started=show&amp;page=1"'
        in response.content.decode()
    )
    # A page past the end shows the last page rather than an error.
    response = client.get(reverse("dashboard:index") + "?not_started=show&page=99")
    assert response.context["page"].number == 2


def test_a_row_shows_what_the_court_page_computes(client, staff_user, portfolio):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:index") + "?q=stuck")
    [row] = response.context["rows"]
    [ob] = onboardings_with_status([portfolio["stuck"]], today=TODAY)
    assert row.phase == ob.state.current_phase
    assert row.progress == ob.state.progress
    assert row.next_mark == ob.state.next_mark
    assert row.days_to_go_live == 135
    assert row.blocked == 1 and row.health == Health.AT_RISK
    assert sum(row.open_by_actor.values()) == (
        ob.state.progress.total - ob.state.progress.finished
    )
    page = response.content.decode()
    assert "At risk" in page and "Scope" in page and "Stuck" in page
    assert 'href="/courts/stuck/"' in page


def test_a_kept_row_is_formatted_again_when_what_it_shows_changes(
    client, staff_user, portfolio
):
    """Rows are kept rendered in process memory (dashboard.presenters), by all that
    makes them: a change to the court, its items or a phase's name shows at once."""
    client.force_login(staff_user)
    url = reverse("dashboard:index") + "?q=stuck"

    def row_html():
        cache.clear()  # the page cache, not the kept rows
        page = client.get(url).content.decode()
        table = page[page.index('<table class="table table-sm table-hover') :]
        body = table[table.index("<tbody>") : table.index("</tbody>")]
        assert body.count("<tr") == 1
        return body

    first = row_html()
    assert first == row_html()  # the same row, kept
    stuck = portfolio["stuck"]
    item = stuck.items.filter(status="not_started").order_by("order").first()
    services.item_set_status(
        item=item,
        status="blocked",
        by=staff_user,
        expected_version=item.version,
        reason="Waiting on the county",
    )
    after_item = row_html()
    assert after_item != first
    phase = Phase.objects.get(name="Scope")
    Phase.objects.filter(pk=phase.pk).update(name="Scoping")
    assert "Scoping" in row_html() and "Scoping" not in after_item
    Court.objects.filter(pk=stuck.court_id).update(name="Stuck Renamed")
    stuck.court.refresh_from_db()
    stuck.court.save()
    assert "Stuck Renamed" in row_html()


# --- SQL versus the Python rule -----------------------------------------------------


def test_sql_values_agree_with_onboardings_with_status(staff_user, start):
    """The portfolio's SQL twin of the health rule (and of phase, progress, overdue,
    blocked, next mark) gives the answers of `onboardings_with_status`/`health_for`
    on a spread of cases, boundaries included."""
    cases = {}

    def case(name, go_live_in, setup=None):
        court = CourtFactory(name=f"Case {name}", slug=f"case-{name}")
        onboarding = start(court, go_live_in=go_live_in)
        if setup:
            setup(onboarding)
            services.onboarding_summaries_refresh(onboarding_ids=[onboarding.pk])
        cases[court.pk] = onboarding

    def overdue_by(n):
        # The first item (due 150 days before Go-Live) is n days overdue.
        return 150 - n

    case("fresh", 200)
    case("overdue-1", overdue_by(1))
    case("overdue-13", overdue_by(13))
    case("overdue-14", overdue_by(14))
    case("overdue-15", overdue_by(15))
    case("overdue-13-done", overdue_by(13), lambda o: set_items(o, [1], status="done"))
    case(
        "overdue-20-na", overdue_by(20), lambda o: set_items(o, [1, 2, 3], status="na")
    )
    case("blocked-only", 200, lambda o: set_items(o, [30], status="blocked"))
    case(
        "blocked-and-finished",
        200,
        lambda o: (
            set_items(o, [30], status="blocked")
            or set_items(o, list(range(1, 30)), status="done")
        ),
    )
    case("go-live-today", 0, lambda o: o.items.update(status="done"))
    case(
        "go-live-passed",
        5,
        lambda o: (
            Onboarding.objects.filter(pk=o.pk).update(go_live_date=TODAY - days(1))
            or o.items.update(status="done")
        ),
    )
    case(
        "live-with-overdue",
        overdue_by(30),
        lambda o: Onboarding.objects.filter(pk=o.pk).update(status="live"),
    )
    case(
        "closed",
        100,
        lambda o: Onboarding.objects.filter(pk=o.pk).update(status="closed"),
    )
    case("all-finished", 100, lambda o: o.items.update(status="done"))
    case("no-items", 100, lambda o: o.items.all().delete())
    case("in-60-days", 60)
    case("in-59-days", 59)
    case("in-30-days", 30)
    case("in-29-days", 29)
    case(
        "internal-overdue",
        200,
        lambda o: set_items(o, [23], internal_only=True, due_date=TODAY - days(20)),
    )

    expected = {
        o.court_id: o
        for o in onboardings_with_status(
            Onboarding.objects.filter(pk__in=[o.pk for o in cases.values()]),
            today=TODAY,
        )
    }
    courts = portfolio_courts(today=TODAY).filter(pk__in=cases)
    assert courts.count() == len(cases)
    for court in courts:
        state = expected[court.pk].state
        label = court.name
        assert HEALTH_BY_RANK.get(court.health_rank, "") == state.health, label
        assert court.ob_status == expected[court.pk].status, label
        if court.go_live is None:
            # Closed out: the portfolio shows its status and counts its items (all
            # finished); nothing open, overdue or blocked.
            assert court.ob_status == "closed", label
            assert (court.finished, court.total) == (
                state.progress.finished,
                state.progress.total,
            ), label
            assert court.total > 0 and (court.overdue, court.blocked) == (0, 0), label
            continue
        assert court.overdue == state.overdue_count, label
        assert court.blocked == state.blocked_count, label
        assert (court.finished, court.total) == (
            state.progress.finished,
            state.progress.total,
        ), label
        assert court.phase_order == (
            state.current_phase.order if state.current_phase else None
        ), label
        mark = next_mark(court.go_live, today=TODAY)
        if court.ob_status == "active":
            assert court.next_mark_date == (mark.date if mark else None), label
    healths = {c.name: HEALTH_BY_RANK.get(c.health_rank, "") for c in courts}
    # The cases do cover every outcome of the rule.
    assert healths["Case overdue-13"] == Health.AT_RISK
    assert healths["Case overdue-14"] == Health.LATE
    assert healths["Case blocked-only"] == Health.AT_RISK
    assert healths["Case go-live-passed"] == Health.LATE
    assert healths["Case fresh"] == Health.ON_TRACK
    assert healths["Case live-with-overdue"] == ""


def test_open_items_by_actor_count_each_actors_open_items(staff_user, start):
    onboarding = start(CourtFactory(name="Counted", slug="counted"), go_live_in=200)
    set_items(onboarding, [1, 4], status="done")
    set_items(onboarding, [8], status="blocked")
    court = portfolio_courts(today=TODAY).get(slug="counted")
    for actor in Actor.values:
        expected = onboarding.items.filter(
            actor=actor, status__in=ChecklistItem.OPEN_STATUSES
        ).count()
        assert getattr(court, f"open_{actor}") == expected


def test_open_items_by_actor_are_the_onboardings_asked_for_with_zeros(start):
    """The API's counts: every actor is there, 0 where nothing is open or overdue;
    only the onboardings asked about."""
    onboarding = start(CourtFactory(name="Counted", slug="counted"), go_live_in=200)
    onboarding.items.filter(actor="doj").update(status="done")
    start(CourtFactory(name="Other", slug="other"), go_live_in=20)
    result = open_items_by_actor([onboarding.pk], today=TODAY)
    assert list(result) == [onboarding.pk]
    counts = result[onboarding.pk]
    assert counts["open"]["doj"] == 0 and counts["open"]["court"] > 0
    # Nothing is due before today yet (the first item is due in 50 days).
    assert counts["overdue"] == dict.fromkeys(Actor.values, 0)


# --- Statewide view -----------------------------------------------------------------


def test_statewide_tiles_grouped_by_district_with_tribal_courts_apart(
    client, staff_user, portfolio
):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:statewide"))
    groups = response.context["groups"]
    assert list(groups) == [
        "1st District",
        "2nd District",
        "3rd District",
        "4th District",
        "5th District",
        "6th District",
        "Tribal courts",
    ]
    assert sum(len(group.tiles) for group in groups.values()) == 58 + 7
    assert [t.slug for t in groups["Tribal courts"].tiles] == ["river"]
    by_slug = {t.slug: t for group in groups.values() for t in group.tiles}
    assert by_slug["behind"].label == "Onboarding, late"
    assert "text-bg-danger" in by_slug["behind"].css
    assert by_slug["slipping"].label == "Onboarding, at risk"
    assert by_slug["calm"].label == "Onboarding, on track"
    assert by_slug["golden"].label == "Live"
    # A cancelled court says so; a court never started says that.
    assert by_slug["dropped"].label == "Cancelled"
    assert by_slug["alameda"].label == "Not started"
    page = response.content.decode()
    # Each tile links to the court page and says its status in words.
    tile = re.search(
        r'<a class="card[^"]*" href="/courts/behind/">(.*?)</a>', page, re.S
    )
    assert "Onboarding, late" in tile.group(1)
    assert page.count('<a class="card') == 58 + 7


def test_statewide_counts_courts_by_district_and_stage(client, staff_user, portfolio):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:statewide"))
    lines = {line.key: line for line in response.context["districts"]}
    assert list(lines) == ["1", "2", "3", "4", "5", "6", "tribal"]
    assert sum(line.total for line in lines.values()) == 58 + 7
    # District 3: 23 superior courts, two of them onboarding in Planning (Slipping,
    # Behind); district 4: Stuck, in Scope; district 1: Golden, live; district 5:
    # Dropped (cancelled), not started.
    assert (lines["3"].total, lines["3"].not_started) == (25, 23)
    assert lines["3"].phase_counts[0] == ["Planning", 2]
    assert lines["4"].phase_counts[1] == ["Scope", 1]
    assert (lines["1"].live, lines["5"].not_started) == (1, 10)
    assert (lines["tribal"].total, lines["tribal"].not_started) == (1, 0)
    legend = {item["label"]: item["count"] for item in response.context["legend"]}
    assert legend == {
        "Onboarding, late": 1,
        "Onboarding, at risk": 2,
        "Onboarding, on track": 2,
        "Live": 1,
        "Not started": 58,
        "Cancelled": 1,
    }
    html = response.content.decode()
    assert '<a href="?district=3">3rd District</a>' in html


def test_statewide_filters_by_district_and_pages_its_tiles(
    client, staff_user, default_template
):
    build_portfolio(260, template=default_template)
    client.force_login(staff_user)
    url = reverse("dashboard:statewide")

    def slugs(response):
        # From the page itself: a repeated request comes from the page cache.
        return re.findall(
            r'<a class="card[^"]*" href="/courts/([\w-]+)/"', response.content.decode()
        )

    first, second, last = (
        client.get(url),
        client.get(url, {"page": 2}),
        client.get(url, {"page": 3}),
    )
    assert (len(slugs(first)), len(slugs(second)), len(slugs(last))) == (100, 100, 60)
    # Every court once, by district (tribal courts last), then type and name.
    every = slugs(first) + slugs(second) + slugs(last)
    expected = list(
        Court.objects.filter(is_active=True)
        .order_by(F("district").asc(nulls_last=True), "court_type", "name", "pk")
        .values_list("slug", flat=True)
    )
    assert every == expected
    assert 'href="?page=2"' in first.content.decode()

    third = client.get(url, {"district": "3"})
    assert set(slugs(third)) == set(
        Court.objects.filter(district=3).values_list("slug", flat=True)
    )
    assert f"3rd District: {len(slugs(third))} courts" in third.content.decode()
    tribal = client.get(url, {"district": "tribal"})
    assert set(slugs(tribal)) == set(
        Court.objects.filter(district__isnull=True).values_list("slug", flat=True)
    )
    # The page link keeps the district.
    paged = client.get(url, {"district": "3", "page": "1"})
    assert paged.status_code == 200

    # Nonsense is read as the first page of every court; a page past the end as
    # the last.
    for query in (
        {"page": "abc"},
        {"page": "-4"},
        {"district": "9"},
        {"district": "x", "page": "0"},
    ):
        response = client.get(url, query)
        assert response.status_code == 200
        assert slugs(response) == slugs(first)
    assert slugs(client.get(url, {"page": "99"})) == slugs(last)


# --- Overdue items ------------------------------------------------------------------


def test_overdue_items_grouped_by_actor_then_by_court(client, staff_user, portfolio):
    client.force_login(staff_user)
    overdue = ChecklistItem.objects.filter(
        onboarding__status__in=["active", "live"],
        status__in=ChecklistItem.OPEN_STATUSES,
        due_date__lt=TODAY,
    )
    response = client.get(reverse("dashboard:overdue"))
    items = list(response.context["page"].object_list)
    assert {i.pk for i in items} == set(overdue.values_list("pk", flat=True))
    assert [i.actor for i in items] == sorted(i.actor for i in items)
    page = response.content.decode()
    assert "CCPOR Team" in page and "Court" in page
    first = min(items, key=lambda i: i.due_date)
    assert first.days_overdue == (TODAY - first.due_date).days

    response = client.get(reverse("dashboard:overdue") + "?group=court")
    items = list(response.context["page"].object_list)
    assert [i.onboarding.court.name for i in items] == sorted(
        i.onboarding.court.name for i in items
    )
    page = response.content.decode()
    assert '<a href="/courts/behind/">Behind</a>' in page
    assert 'aria-current="true">Group by court' in page


def test_overdue_items_of_one_actor(client, staff_user, portfolio):
    set_items(portfolio["behind"], [1], status="blocked")
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:overdue") + "?actor=ccpor&group=court")
    items = list(response.context["page"].object_list)
    assert items and {i.actor for i in items} == {"ccpor"}
    response = client.get(reverse("dashboard:overdue") + "?actor=doj")
    assert response.context["page"].paginator.count == 0
    assert "Nothing is overdue for this actor." in response.content.decode()


# --- Query counts -------------------------------------------------------------------


@pytest.mark.parametrize("total_courts", [58, 300])
def test_dashboard_queries_do_not_grow_with_the_courts(
    client, staff_user, default_template, django_assert_num_queries, total_courts
):
    build_portfolio(total_courts, template=default_template)
    client.force_login(staff_user)
    # 1 session, 2 user, 3 CCPOR Team group check, 4 the person's saved view, 5
    # phases, 6 the summary's counts over the courts' rows (court LEFT JOIN
    # onboarding LEFT JOIN summary), 7 overdue items by actor, 8 how many courts
    # match, 9 the page's rows, filtered and sorted, 10 how many courts never
    # started are folded (not when the status filter lists them), 11 the soonest
    # onboardings inside the readiness window, 12-15 their readiness (gates,
    # acceptance sign-offs, requests, go/no-go decisions: live_readiness_for),
    # 16 their courts' rosters, 17-19 what waits on the team (incidents,
    # sign-offs, decisions), 20 the waves of the wave filter's choices. A view that
    # changed is remembered: an UPDATE, and the first time also a get_or_create
    # (SELECT, SAVEPOINT, INSERT, RELEASE).
    for url, queries in (
        (reverse("dashboard:index"), 20),
        (reverse("dashboard:index") + "?sort=-next_mark&page=2", 20 + 5),
        (
            reverse("dashboard:index")
            + "?health=at_risk&status=onboarding&sort=-overdue",
            20 - 1 + 1,
        ),
        (reverse("dashboard:index") + "?district=3&window=later&sort=health", 21),
        (reverse("dashboard:index") + "?q=court&sort=-next_mark&page=2", 21),
        (reverse("dashboard:index") + "?q=court&sort=-next_mark&page=2", 20),
    ):
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["rows"]) > 0
    assert response.context["summary"].total == total_courts


@pytest.mark.parametrize("total_courts", [58, 300])
def test_statewide_and_overdue_queries_do_not_grow_with_the_courts(
    client, staff_user, default_template, django_assert_num_queries, total_courts
):
    build_portfolio(total_courts, template=default_template)
    client.force_login(staff_user)
    # 1 session, 2 user, 3 CCPOR Team group check, 4 phases, 5 the courts counted
    # by district and stage, 6 a page of tiles (of every court or one district's),
    # 7-9 the burn-up (courts live, planned, forecast by month), 10 the all-live
    # forecast, 11 the waves with their readiness and forecast.
    for query in ("", "?page=2", "?district=3&page=2", "?district=1"):
        with django_assert_num_queries(11):
            response = client.get(reverse("dashboard:statewide") + query)
        assert response.context["total"] == total_courts
    html = client.get(reverse("dashboard:statewide")).content.decode()
    assert html.count('<a class="card') == min(total_courts, 100)
    for group in ("actor", "court"):
        # 1 session, 2 user, 3 group check, 4 count of overdue items, 5 the page.
        with django_assert_num_queries(5):
            response = client.get(reverse("dashboard:overdue") + f"?group={group}")
        assert len(response.context["page"].object_list) > 0


def test_dashboard_links_to_the_calendar_feed_and_the_api(client, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert reverse("portal:feeds") in html
    assert reverse("api:onboarding_list") in html


# --- Changes show at once ----------------------------------------------------------


def _row(html: str, court_name: str) -> str:
    """The row of one court in the portfolio table, from its name to the row's end."""
    row = html[html.index(f'title="{court_name}"') :]
    return row[: row.index("</tr>")]


def test_a_change_through_a_service_shows_on_the_next_dashboard_request(
    client, staff_user, portfolio, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    url = reverse("dashboard:index") + "?sort=court"
    before = _row(client.get(url).content.decode(), "Calm")
    assert "On track" in before
    item = portfolio["calm"].items.get(order=1)
    # The cache moves on when the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        services.item_set_status(
            item=item,
            status="blocked",
            by=staff_user,
            expected_version=item.version,
            reason="Forum postponed",
        )
    after = _row(client.get(url).content.decode(), "Calm")
    assert "At risk" in after and "On track" not in after


def test_renaming_a_court_shows_on_the_statewide_view(
    admin_client, portfolio, django_capture_on_commit_callbacks
):
    court = portfolio["calm"].court
    assert "Calm" in admin_client.get(reverse("dashboard:statewide")).content.decode()
    court.name = "Tranquil"
    with django_capture_on_commit_callbacks(execute=True):
        court.save()
    html = admin_client.get(reverse("dashboard:statewide")).content.decode()
    assert "Tranquil" in html


def test_the_cached_dashboard_follows_the_day(
    client, staff_user, portfolio, monkeypatch
):
    client.force_login(staff_user)
    url = reverse("dashboard:index") + "?sort=court"
    assert "200" in _row(client.get(url).content.decode(), "Calm")
    pin_today(monkeypatch, TODAY + days(1))
    assert "199" in _row(client.get(url).content.decode(), "Calm")


@pytest.mark.parametrize(
    "query",
    [
        "?status=onboarding&sort=-days",
        "?reach=none",
        "?health=late&sort=-progress",
        "?district=3&court_type=superior&sort=-open_court",
    ],
)
def test_a_filtered_page_has_the_whole_summary_and_the_same_courts_in_order(
    client, staff_user, default_template, query
):
    # The filtered page reads its summary, count and keys in one statement: the
    # summary still counts every court (a filter on the onboarding leaves the
    # others in), and the page holds the courts the filter keeps, in the sort's
    # order, page after page, as the filtered queryset gives them.
    build_portfolio(130, template=default_template)
    client.force_login(staff_user)
    whole = client.get(reverse("dashboard:index")).context["summary"]
    expected = [
        row["slug"]
        for row in filters.portfolio_query(
            QueryDict(query[1:]), today=TODAY
        ).queryset.values("slug")
    ]
    seen = []
    for page in (1, 2, 3, 4):
        response = client.get(reverse("dashboard:index") + f"{query}&page={page}")
        assert response.context["summary"] == whole
        assert response.context["page"].paginator.count == len(expected)
        if response.context["page"].number == page:
            seen += [row.court.slug for row in response.context["rows"]]
    assert seen == expected

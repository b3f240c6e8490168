"""The Go-Live phase on the CCPOR Team's pages: the readiness of onboardings inside
30 days on the dashboard, incidents past their target flagged above it, the
incidents page across courts and its CSV; query counts flat with the courts."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from checklists.models import Onboarding
from dashboard.views.portfolio import READINESS_SHOWN
from golive import services
from golive.models import GoNoGoDecision, Incident, SignOff
from tests.conftest import TODAY
from tests.factories import (
    CourtFactory,
    MembershipFactory,
    bulk_onboardings,
    days,
    force_status,
)

pytestmark = pytest.mark.django_db

NOON = "2026-03-04 20:00:00"  # noon in California on TODAY


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    for module in ("dashboard.views.portfolio", "dashboard.views.exports"):
        monkeypatch.setattr(f"{module}.today_in_california", lambda: TODAY)


def readiness_rows(html: str) -> list[str]:
    table = html[html.index('id="readiness-heading"') :]
    table = table[: table.index("</section>")]
    return table.split("<tr>")[2:]


def test_the_dashboard_shows_readiness_inside_thirty_days_soonest_first(
    client, start, staff_user
):
    soon = start(CourtFactory(name="Soon", slug="soon"), go_live_in=5)
    start(CourtFactory(name="Later", slug="later"), go_live_in=30)
    start(CourtFactory(name="Far", slug="far"), go_live_in=31)
    force_status(start(CourtFactory(name="Gone", slug="gone"), go_live_in=10), "live")
    client.force_login(staff_user)
    rows = readiness_rows(client.get(reverse("dashboard:index")).content.decode())
    assert [r.split('title="')[1].split('"')[0] for r in rows] == ["Soon", "Later"]
    gates = soon.items.filter(is_readiness_gate=True).count()
    assert f"0 / {gates}" in rows[0] and "0 / 3" in rows[0]
    assert f"{gates + 4} blockers" in rows[0]
    # The count links to the court's Go-Live page, which lists each blocker linked
    # to the page that fixes it.
    go_live_page = reverse("golive:readiness", kwargs={"slug": "soon"})
    assert f'<a href="{go_live_page}">{gates + 4} blockers' in rows[0]
    gate = soon.items.get(order=14)
    assert (
        reverse("checklists:item_detail", kwargs={"slug": "soon", "pk": gate.pk})
        in client.get(go_live_page).content.decode()
    )


def test_the_readiness_follows_a_sign_off_through_the_cache(
    client, start, court, staff_user, django_capture_on_commit_callbacks
):
    onboarding = start(court, go_live_in=10)
    eo = MembershipFactory(court=court, role="executive_officer").user
    client.force_login(staff_user)
    assert (
        "0 / 3"
        in readiness_rows(client.get(reverse("dashboard:index")).content.decode())[0]
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed = services.sign_off_give(
            onboarding=onboarding,
            kind="acceptance",
            role="executive_officer",
            by=eo,
            statement="Tests passed.",
        )
    assert (
        "1 / 3"
        in readiness_rows(client.get(reverse("dashboard:index")).content.decode())[0]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_off_revoke(sign_off=signed, by=eo, reason="Retest")
    assert (
        "0 / 3"
        in readiness_rows(client.get(reverse("dashboard:index")).content.decode())[0]
    )


def attention_incidents(client) -> str:
    html = client.get(reverse("dashboard:index")).content.decode()
    if 'id="attention-incidents"' not in html:
        return ""
    block = html[html.index('id="attention-incidents"') :]
    return block[: block.index("</div>")]


def test_a_serious_incident_is_at_the_top_of_the_dashboard_at_once_with_its_clock(
    client, start, court, court_lead, staff_user
):
    """A P1 shows from the minute it is reported, with the time left to respond;
    past its target it says by how much; once answered, while unresolved, it stays
    with its first response; resolved, it leaves. A P3 shows only past its target.
    Nothing is cached: each load reads the clock again."""
    onboarding = force_status(start(court, go_live_in=1), "live")
    with freeze_time("2026-03-04 18:00:00"):  # 10 am Pacific
        p1 = services.incident_report(
            onboarding=onboarding,
            by=court_lead,
            title="Orders cannot be saved",
            description="Every save fails.",
            severity="P1",
            category="carpos",
        )
        p3 = services.incident_report(
            onboarding=onboarding,
            by=court_lead,
            title="A typo on a screen",
            description="Cosmetic.",
            severity="P3",
            category="other",
        )
    client.force_login(staff_user)
    with freeze_time("2026-03-04 18:01:00"):
        block = attention_incidents(client)
    assert f"#{p1.pk} P1 Orders cannot be saved" in block
    assert "response due in 59" in block
    assert f"#{p3.pk}" not in block
    with freeze_time("2026-03-04 19:05:00"):
        block = attention_incidents(client)
    assert "response overdue by 5" in block
    with freeze_time("2026-03-04 19:06:00"):
        services.incident_update(
            incident=p1,
            by=staff_user,
            status="investigating",
            owner=None,
            severity="P1",
        )
        block = attention_incidents(client)
    assert f"#{p1.pk} P1" in block and "first response given" in block
    # Two business days later the P3 is past its target too.
    with freeze_time("2026-03-06 19:00:00"):
        block = attention_incidents(client)
    assert f"#{p3.pk} P3 A typo on a screen" in block
    with freeze_time("2026-03-06 19:01:00"):
        for incident in (p1, p3):
            services.incident_update(
                incident=incident,
                by=staff_user,
                status="resolved",
                owner=None,
                severity=incident.severity,
                resolution="Fixed.",
            )
        assert attention_incidents(client) == ""


# --- The incidents page and its CSV ---------------------------------------------------


@pytest.fixture
def incidents(start, court, other_court, court_lead, other_lead, staff_user):
    """Court A: a P1 (open, past target at NOON) and a resolved P3; court B: a P2
    being investigated."""
    a = force_status(start(court, go_live_in=1), "live")
    b = force_status(start(other_court, go_live_in=1), "live")

    def report(onboarding, by, severity, title):
        return services.incident_report(
            onboarding=onboarding,
            by=by,
            title=title,
            description="x",
            severity=severity,
            category="other",
        )

    with freeze_time("2026-03-04 17:00:00"):  # 9 am Pacific
        p1 = report(a, court_lead, "P1", "=Orders cannot be saved")
        p3 = report(a, court_lead, "P3", "Typo")
        p2 = report(b, other_lead, "P2", "Slow search")
        services.incident_update(
            incident=p3,
            by=staff_user,
            status="resolved",
            owner=None,
            severity="P3",
            resolution="Fixed the label",
        )
        services.incident_update(
            incident=p2,
            by=staff_user,
            status="investigating",
            owner=None,
            severity="P2",
        )
    return {"p1": p1, "p2": p2, "p3": p3}


def listed(response) -> list[int]:
    return [i.pk for i in response.context["incidents"]]


def test_the_incidents_page_lists_unresolved_first_and_filters(
    client, staff_user, incidents
):
    client.force_login(staff_user)
    url = reverse("dashboard:incidents")
    with freeze_time(NOON):
        default = client.get(url)
        everything = client.get(url, {"status": "all"})
        p2_only = client.get(url, {"status": "all", "severity": "P2"})
        late = client.get(url, {"past_target": "on"})
        nonsense = client.get(url, {"status": "weather", "page": "x"})
    p1, p2, p3 = incidents["p1"].pk, incidents["p2"].pk, incidents["p3"].pk
    assert listed(default) == [p2, p1]  # unresolved, newest first
    assert listed(everything) == [p2, p1, p3]
    assert listed(p2_only) == [p2]
    assert listed(late) == [p1]
    assert listed(nonsense) == [p2, p1]
    html = default.content.decode()
    assert html.count("Past target") == 2  # the flag, and the explanation above
    assert 'href="/courts/court-b/"' in html


def test_the_incidents_csv_has_every_incident(client, staff_user, incidents):
    client.force_login(staff_user)
    with freeze_time(NOON):
        response = client.get(reverse("dashboard:export_incidents"))
    assert response["Content-Disposition"] == (
        'attachment; filename="ccpor-incidents-2026-03-04.csv"'
    )
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["#"] for r in rows] == [str(incidents[k].pk) for k in ("p1", "p3", "p2")]
    p1 = rows[0]
    assert p1["Court"] == "Court A" and p1["Severity"] == "P1"
    assert p1["Title"] == "'=Orders cannot be saved"  # never run as a formula
    assert (p1["Past target"], p1["Response target"]) == (
        "yes",
        "1 hour, around the clock",
    )
    assert rows[1]["Status"] == "Resolved" and rows[1]["Resolution"] == (
        "Fixed the label"
    )
    assert rows[2]["Owner"] == "staff" and rows[2]["Past target"] == "no"


# --- Query counts ----------------------------------------------------------------


def build(n: int, *, template, staff_user) -> None:
    """`n` courts inside the readiness window, each with a sign-off and a decision,
    and `n` live courts each with two incidents: a few bulk inserts."""
    soon = bulk_onboardings(
        n, template=template, go_live_date=TODAY + days(10), prefix=f"soon{n}"
    )
    SignOff.objects.bulk_create(
        SignOff(
            onboarding=o,
            kind="acceptance",
            role="ccpor",
            statement="x",
            signed_by=staff_user,
            signer_name="Staff",
            signed_at=timezone.now(),
        )
        for o in soon
    )
    GoNoGoDecision.objects.bulk_create(
        GoNoGoDecision(
            onboarding=o, decision="go", go_live_date=o.go_live_date, readiness={}
        )
        for o in soon
    )
    live = bulk_onboardings(
        n, template=template, go_live_date=TODAY - days(10), prefix=f"live{n}"
    )
    Onboarding.objects.filter(pk__in=[o.pk for o in live]).update(status="live")
    reported = timezone.now() - datetime.timedelta(days=30)
    Incident.objects.bulk_create(
        Incident(
            onboarding=o,
            title=f"Incident {k}",
            description="x",
            severity=severity,
            category="other",
            reported_at=reported,
            respond_by=reported + datetime.timedelta(hours=1),
        )
        for o in live
        for k, severity in enumerate(("P1", "P4"))
    )


@pytest.mark.parametrize("n", [3, 30])
def test_go_live_queries_do_not_grow_with_the_courts(
    client, staff_user, default_template, django_assert_num_queries, n
):
    build(n, template=default_template, staff_user=staff_user)
    client.force_login(staff_user)
    # 1 session, 2 user, 3 group check, 4 the saved view, 5 phases, 6 the
    # summary's counts, 7 overdue items by actor, 8 how many courts, 9 the page's
    # rows, 10 how many never started are folded; readiness: 11 the soonest
    # onboardings inside 30 days, 12-15 their gates, sign-offs, requests and
    # decisions, 16 their courts' rosters (however many onboardings); 17-19
    # incidents, sign-offs and decisions waiting on the team; 20 the waves of the
    # wave filter.
    with django_assert_num_queries(20):
        response = client.get(reverse("dashboard:index"))
    # Every one of them waits on the team (the P4s are past their target).
    assert len(response.context["attention_incidents"].shown) == min(2 * n, 10)
    assert response.context["attention_incidents"].total == 2 * n
    # The readiness panel lists the soonest few and says how many there are.
    assert len(response.context["readiness"]) == min(n, READINESS_SHOWN)
    assert response.context["readiness_total"] == n
    # 1 session, 2 user, 3 group check, 4 count, 5 the page of incidents.
    with django_assert_num_queries(5):
        response = client.get(reverse("dashboard:incidents"))
    assert len(response.context["incidents"]) == min(2 * n, 50)
    # 1 session, 2 user, 3 group check, 4 every incident with its court and people.
    with django_assert_num_queries(4):
        response = client.get(reverse("dashboard:export_incidents"))
        lines = b"".join(response.streaming_content).count(b"\n")
    assert lines == 2 * n + 1

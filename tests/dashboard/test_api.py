import hashlib

import pytest
from django.urls import reverse
from freezegun import freeze_time

from accounts.services import user_reset_api_token
from checklists import services
from checklists.models import ChecklistItem, ChecklistTemplate, Onboarding
from roster.models import RosterPerson
from tests.conftest import TODAY
from tests.factories import (
    CourtFactory,
    attach_evidence,
    bulk_onboardings,
    cancel_onboarding,
    days,
    force_status,
)

pytestmark = pytest.mark.django_db

LIST = reverse("api:onboarding_list")
ACTORS = ("ccpor", "court", "so", "doj")


def detail(slug: str) -> str:
    return reverse("api:onboarding_detail", kwargs={"slug": slug})


def token(user) -> dict:
    """The header with the person's API token, made once per person and test (only
    its digest is stored, so it is kept on the object)."""
    if not hasattr(user, "_test_api_token"):
        user._test_api_token = user_reset_api_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {user._test_api_token}"}


@pytest.fixture(autouse=True)
def frozen_today():
    # Noon UTC is still TODAY in America/Los_Angeles.
    with freeze_time(f"{TODAY:%Y-%m-%d} 12:00:00"):
        yield


# --- Who may call it ------------------------------------------------------------
@pytest.mark.parametrize("url", [LIST, detail("court-a")])
def test_anonymous_without_token_gets_401_json(client, court, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Token realm="api"'


@pytest.mark.parametrize(
    "header", ["Token not-a-real-token", "Token ", "Bearer abc", "Basic Zm9vOmJhcg=="]
)
def test_bad_token_gets_401(client, staff_user, header):
    response = client.get(LIST, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"] in {"invalid_token", "not_authenticated"}


def test_bad_token_wins_over_a_staff_session(client, staff_user):
    client.force_login(staff_user)
    response = client.get(LIST, HTTP_AUTHORIZATION="Token wrong")
    assert response.status_code == 401


@pytest.mark.parametrize("url", [LIST, detail("court-a")])
def test_court_member_gets_403_by_session_and_by_token(client, court_lead, url):
    assert client.get(url, **token(court_lead)).status_code == 403
    client.force_login(court_lead)
    response = client.get(url)
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"


def test_staff_session_gets_200(client, start, court, staff_user):
    start(court)
    client.force_login(staff_user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]


def test_staff_token_gets_200_without_a_session(client, start, court, staff_user):
    start(court)
    assert client.get(LIST, **token(staff_user)).status_code == 200
    assert client.get(detail(court.slug), **token(staff_user)).status_code == 200


def test_superuser_is_staff_for_the_api(client, start, court, superuser):
    start(court)
    assert client.get(LIST, **token(superuser)).status_code == 200


def test_reset_token_is_refused_afterwards(client, staff_user):
    old = token(staff_user)
    new = user_reset_api_token(user=staff_user)
    assert client.get(LIST, **old).status_code == 401
    assert client.get(LIST, HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


def test_a_token_made_before_hashing_keeps_working_after_it(client, staff_user):
    """What migration 0005 does to a token stored in clear: the digest it stores
    lets the same token in."""
    clear = "an-old-token-stored-in-clear-" + "x" * 20
    staff_user.api_token_digest = hashlib.sha256(clear.encode()).hexdigest()
    staff_user.save(update_fields=["api_token_digest"])
    assert client.get(LIST, HTTP_AUTHORIZATION=f"Token {clear}").status_code == 200


def test_inactive_staff_token_gets_401(client, staff_user):
    staff_user.is_active = False
    staff_user.save()
    assert client.get(LIST, **token(staff_user)).status_code == 401


def test_unknown_court_gets_404_json(client, staff_user):
    response = client.get(detail("nowhere"), **token(staff_user))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_court_without_onboarding_gets_404_json(client, court, staff_user):
    response = client.get(detail(court.slug), **token(staff_user))
    assert response.status_code == 404
    assert "has no onboarding" in response.json()["detail"]


def test_writes_are_refused_with_405_json(client, staff_user):
    response = client.post(LIST, **token(staff_user))
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD"


# --- What it says ---------------------------------------------------------------
def expected_by_actor(onboarding, *, overdue: bool) -> dict[str, int]:
    """Counted in Python from the items, independently of the API's SQL."""
    counts = dict.fromkeys(ACTORS, 0)
    for item in onboarding.items.all():
        if item.is_open and (not overdue or item.due_date < TODAY):
            counts[item.actor] += 1
    return counts


def test_detail_shape_and_values(client, start, court, staff_user):
    # Go-Live in 40 days: the 22 items due 45 days or more before it are overdue.
    onboarding = start(court, go_live_in=40)
    for order in (1, 2, 3, 4):
        item = onboarding.items.get(order=order)
        if item.evidence_required:
            attach_evidence(item, by=staff_user)
        services.item_set_status(
            item=item, status="done", by=staff_user, expected_version=item.version
        )
    item = onboarding.items.get(order=24)
    services.item_set_status(
        item=item,
        status="blocked",
        by=staff_user,
        expected_version=item.version,
        reason="Waiting on the test environment.",
    )

    body = client.get(detail(court.slug), **token(staff_user)).json()

    assert body["court"] == {
        "name": "Court A",
        "slug": "court-a",
        "type": "superior",
        "district": 1,
        "county": court.county,
        "page": "http://testserver/courts/court-a/",
    }
    assert body["url"] == "http://testserver/api/onboardings/court-a/"
    assert body["status"] == "active"
    assert body["go_live_date"] == (TODAY + days(40)).isoformat()
    assert body["days_to_go_live"] == 40
    assert body["phase"] == {"name": "Scope", "slug": "scope"}
    assert body["progress"] == {"finished": 4, "total": 36, "percent": 11}
    assert body["phases"] == [
        {
            "name": "Planning",
            "slug": "planning",
            "finished": 4,
            "total": 4,
            "percent": 100,
        },
        {"name": "Scope", "slug": "scope", "finished": 0, "total": 6, "percent": 0},
        {
            "name": "Implement",
            "slug": "implement",
            "finished": 0,
            "total": 17,
            "percent": 0,
        },
        {"name": "Go-Live", "slug": "go-live", "finished": 0, "total": 9, "percent": 0},
    ]
    assert body["marks"] == [
        {"name": "60-day", "date": (TODAY - days(20)).isoformat(), "days_to": -20},
        {"name": "30-day", "date": (TODAY + days(10)).isoformat(), "days_to": 10},
        {"name": "Go-Live", "date": (TODAY + days(40)).isoformat(), "days_to": 40},
    ]
    assert body["next_mark"] == {
        "name": "30-day",
        "date": (TODAY + days(10)).isoformat(),
        "days_to": 10,
    }
    # Items 5-22 are open and due at least 45 days before Go-Live, i.e. before today.
    assert body["overdue_count"] == 18
    assert body["blocked_count"] == 1
    assert body["health"] == "late"  # item 5 is 80 days overdue (>= 14)
    assert body["health_label"] == "Late"
    assert body["open_items_by_actor"] == expected_by_actor(onboarding, overdue=False)
    assert body["overdue_items_by_actor"] == expected_by_actor(onboarding, overdue=True)
    assert body["overdue_items_by_actor"] == {
        "ccpor": 4,  # items 5, 7, 9, 22
        "court": 10,  # 6, 10-17, 21
        "so": 3,  # 8, 19, 20
        "doj": 1,  # 18
    }
    assert sum(body["open_items_by_actor"].values()) == 32
    open_items = body["open_items"]
    assert len(open_items) == 32
    assert open_items[0] == {
        "order": 5,
        "title": "Court Planning Guide delivered",
        "phase": "scope",
        "actor": "ccpor",
        "kind": "document",
        "status": "not_started",
        "due_date": (TODAY - days(80)).isoformat(),
        "overdue": True,
        "days_overdue": 80,
        "owner": None,
    }
    assert [i["due_date"] for i in open_items] == sorted(
        i["due_date"] for i in open_items
    )


def test_the_roster_counts_as_the_dashboards_column(client, start, staff_user):
    """Ready on the Go-Live date (an expiry before it makes a person not ready),
    expired today; a closed court judged today; in the list and the detail."""
    active, closed = CourtFactory(slug="active"), CourtFactory(slug="closed")
    onboarding = start(active, go_live_in=40)
    session = onboarding.items.get(order=25)
    for name, expires in (("Ann", 100), ("Bob", 20), ("Cy", -5)):
        person = RosterPerson.objects.create(
            court=active,
            name=name,
            email=f"{name}@example.org",
            organisation="court",
            ccpor_role="query",
            clets_level="ltfa",
            clets_certified_on=TODAY - days(600),
            clets_expires_on=TODAY + days(expires),
        )
        person.trainings.add(session)
    force_status(start(closed), "closed")
    RosterPerson.objects.create(
        court=closed,
        name="Di",
        email="di@example.org",
        organisation="so",
        ccpor_role="query",
        clets_level="none",
    )
    body = client.get(detail("active"), **token(staff_user)).json()
    # Bob's certification is valid today but not on the Go-Live date.
    assert body["roster"] == {
        "ready": 1,
        "total": 3,
        "expired": 1,
        "judged_on": (TODAY + days(40)).isoformat(),
    }
    listed = client.get(LIST, {"status": "all"}, **token(staff_user)).json()
    by_court = {r["court"]["slug"]: r["roster"] for r in listed["results"]}
    assert by_court["active"] == body["roster"]
    assert by_court["closed"] == {
        "ready": 0,
        "total": 1,
        "expired": 0,
        "judged_on": TODAY.isoformat(),
    }


def test_detail_prefers_the_open_onboarding(client, start, court, staff_user):
    old = start(court, go_live_in=200)
    cancel_onboarding(old, by=staff_user)
    start(court, go_live_in=60)
    body = client.get(detail(court.slug), **token(staff_user)).json()
    assert (body["status"], body["days_to_go_live"]) == ("active", 60)


def test_list_pages_and_orders_by_go_live(
    client, start, court, other_court, staff_user
):
    later = start(court, go_live_in=90)
    sooner = start(other_court, go_live_in=30)

    first = client.get(LIST, {"page_size": 1}, **token(staff_user)).json()

    assert (first["count"], first["page"], first["pages"]) == (2, 1, 2)
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/onboardings/?page_size=1&page=2"
    assert [r["court"]["slug"] for r in first["results"]] == [sooner.court.slug]
    second = client.get(first["next"], **token(staff_user)).json()
    assert [r["court"]["slug"] for r in second["results"]] == [later.court.slug]
    assert second["next"] is None
    row = second["results"][0]
    assert row["progress"] == {"finished": 0, "total": 36, "percent": 0}
    assert row["next_mark"] == {
        "name": "60-day",
        "date": (TODAY + days(30)).isoformat(),
        "days_to": 30,
    }
    assert "open_items" not in row  # the list stays small; the detail has them


def test_list_leaves_out_closed_and_cancelled_unless_asked(
    client, start, court, other_court, staff_user
):
    start(court)
    gone = start(other_court)
    cancel_onboarding(gone, by=staff_user)

    default = client.get(LIST, **token(staff_user)).json()
    everything = client.get(LIST, {"status": "all"}, **token(staff_user)).json()
    cancelled = client.get(LIST, {"status": "cancelled"}, **token(staff_user)).json()

    assert [r["court"]["slug"] for r in default["results"]] == ["court-a"]
    assert everything["count"] == 2
    assert [r["status"] for r in cancelled["results"]] == ["cancelled"]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"status": "bogus"}, 400, "invalid_status"),
        ({"page": "x"}, 400, "invalid_page"),
        ({"page_size": "0"}, 400, "invalid_page"),
        ({"page": "99"}, 404, "not_found"),
    ],
)
def test_bad_parameters_get_a_clear_json_error(
    client, start, court, staff_user, params, status, code
):
    start(court)
    response = client.get(LIST, params, **token(staff_user))
    assert response.status_code == status
    assert response.json()["error"] == code


def test_page_size_is_capped(client, staff_user, default_template):
    bulk_onboardings(3, template=default_template, go_live_date=TODAY + days(50))
    body = client.get(LIST, {"page_size": 100000}, **token(staff_user)).json()
    assert body["page_size"] == 200
    assert len(body["results"]) == 3


# --- Speed: the list's query count does not grow with the number of courts -------
@pytest.mark.parametrize("courts", [58, 300])
def test_list_query_count_is_the_same_for_58_and_300_courts(
    client, staff_user, default_template, django_assert_num_queries, courts
):
    template = ChecklistTemplate.objects.get(pk=default_template.pk)
    bulk_onboardings(courts, template=template, go_live_date=TODAY + days(45))
    client.force_login(staff_user)
    # 1 session, 2 user, 3 CCPOR Team group check (courts.access), 4 paginator
    # count, 5 the page of onboardings with their courts, 6 phases, 7 progress and
    # overdue per onboarding and phase, 8 open and overdue items per actor, 9 the
    # Go-Live moves (baseline and slip), 10 the rosters' counts.
    with django_assert_num_queries(10):
        response = client.get(LIST, {"page_size": 200})
    body = response.json()
    assert body["count"] == courts
    assert len(body["results"]) == min(courts, 200)
    assert Onboarding.objects.count() == courts
    assert ChecklistItem.objects.count() == courts * 36


def test_list_query_count_by_token(
    client, staff_user, default_template, django_assert_num_queries
):
    bulk_onboardings(60, template=default_template, go_live_date=TODAY + days(45))
    # 1 user by token, 2 CCPOR Team group check, 3 count, 4 page, 5 phases,
    # 6 progress per onboarding and phase, 7 items per actor, 8 Go-Live moves,
    # 9 the rosters' counts.
    header = token(staff_user)
    with django_assert_num_queries(9):
        response = client.get(LIST, **header)
    assert len(response.json()["results"]) == 50

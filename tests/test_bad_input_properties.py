"""Property-based: malformed values (huge and negative numbers, NUL and other control
characters, any Unicode, very long strings, repeated parameters) sent to every query
parameter of every list (the CCPOR Team's dashboard, statewide view, incidents,
exports, API; the court, item and report pages, the activity, the calendar feeds),
to every admin list and widget (filters, ordering, pages, search, date hierarchy,
object ids, autocomplete), and to every field of the main forms, as CCPOR staff and
as a court member. Never a 500; and nothing is stored that breaks a page later: after
each post, the pages that show what was posted still answer 200.

Bounded: each property runs a fixed, derandomized set of examples (EXAMPLES), about
half a minute in all, so that a failure reproduces.
"""

import datetime

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collaboration import services as collaboration_services
from golive import services as golive_services
from tests.factories import MembershipFactory, force_status

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What a browser can encode (no lone surrogates); printable, or with controls.
UNICODE = st.characters(blacklist_categories=("Cs",))
PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))
CONTROLS = st.sampled_from(["\x00", "a\x00b", "\x1b[2J", "a\x7fb", "a\u2028b"])
TEXT = st.one_of(
    st.text(PRINTABLE, max_size=40),
    st.text(PRINTABLE, min_size=1000, max_size=6000),
    st.sampled_from(["", " ", "é", "<b>", "%00", ",", "-", "../x"]),
    st.text(UNICODE, max_size=40),
    CONTROLS,
)
# In a query, a control character is a 400 before any view reads it: most values
# have none, so that the lists themselves are exercised.
QUERY_TEXT = st.one_of(
    st.text(PRINTABLE, max_size=40),
    st.text(PRINTABLE, min_size=1000, max_size=6000),
    st.sampled_from(["", " ", "é", "<b>", "%00", ",", "-", "../x"]),
)
NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["-1", "0", "1e309", "NaN", "1.5", "0x10", "١٢", "-", "--1"]),
)
DATE = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "99999-01-01", "now"]),
)
TIME = st.one_of(
    st.times().map(lambda t: t.isoformat()),
    st.sampled_from(["23:59", "24:00", "-1:00", "noon"]),
)
VALUE = st.one_of(TEXT, NUMBER, DATE)
QUERY_VALUE = st.one_of(QUERY_TEXT, NUMBER, DATE, QUERY_TEXT, NUMBER, DATE, CONTROLS)
# A parameter sent once, or several times (`?page=1&page=x`).
SENT = st.one_of(QUERY_VALUE, st.lists(QUERY_VALUE, min_size=2, max_size=3))

# Every query parameter a list reads, and a few it does not.
QUERY_PARAMS = [
    *("q", "status", "phase", "health", "district", "court_type", "window"),
    *("reach", "go_live_after", "go_live_before", "sort", "page", "page_size"),
    *("group", "actor", "severity", "past_target", "owned", "mine", "open"),
    *("overdue", "view", "court", "checks", "next", "format", "since", "x"),
]


@pytest.fixture
def world(start, court, other_court, court_lead, staff_user, frozen_today):
    """Court A active (the forms' court); Court B live (its incidents)."""
    active = start(court)
    live = force_status(start(other_court), "live")
    MembershipFactory(court=other_court, user=court_lead)
    incident = golive_services.incident_report(
        onboarding=live,
        by=court_lead,
        title="Scanner drops pages",
        description="Missing pages.",
        severity="P3",
        category="scanning",
    )
    collaboration_services.comment_add(
        item=active.items.get(order=11), body="Roster attached.", by=court_lead
    )
    return {"active": active, "live": live, "incident": incident}


def _ok(response, what) -> None:
    assert response.status_code < 500, (response.status_code, what)


def _list_urls(user, world) -> list[str]:
    active, live = world["active"], world["live"]
    court = {"slug": "court-a"}
    token = user.calendar_token
    return [
        *(reverse(f"dashboard:{name}") for name in ("index", "statewide", "overdue")),
        reverse("dashboard:incidents"),
        reverse("dashboard:export_portfolio"),
        reverse("dashboard:export_items"),
        reverse("dashboard:export_incidents"),
        reverse("api:onboarding_list"),
        reverse("api:onboarding_detail", kwargs=court),
        reverse("portal:home"),
        reverse("portal:landing"),
        reverse("portal:court", kwargs=court),
        reverse("portal:report", kwargs=court),
        reverse("portal:feeds"),
        reverse("portal:feed_all", kwargs={"token": token}),
        reverse("portal:feed_court", kwargs={"token": token, **court}),
        reverse("golive:readiness", kwargs=court),
        reverse("golive:sign_offs", kwargs=court),
        reverse("golive:incidents", kwargs={"slug": live.court.slug}),
        active.items.get(order=11).get_absolute_url(),
        reverse("healthz"),
    ]


@given(
    as_staff=st.booleans(),
    params=st.dictionaries(
        st.one_of(st.sampled_from(QUERY_PARAMS), st.text(PRINTABLE, max_size=20)),
        SENT,
        max_size=5,
    ),
)
@EXAMPLES
def test_every_list_answers_malformed_query_values_with_a_page(
    world, client, staff_user, court_lead, as_staff, params
):
    user = staff_user if as_staff else court_lead
    client.force_login(user)
    for url in _list_urls(user, world):
        _ok(client.get(url, params), (url, params))


# --- The admin ---------------------------------------------------------------------

ADMIN_MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
LOOKUPS = ("exact", "gte", "lt", "in", "isnull", "year", "month", "day", "range")


def _admin_params(model) -> list[str]:
    """The parameters an admin list of `model` reads: its own, and a lookup on each
    of the model's fields (what list filters and the date hierarchy send)."""
    names = ["o", "p", "q", "e", "all", "_to_field", "_popup", "_changelist_filters"]
    for field in model._meta.concrete_fields:
        names += [f"{field.name}__{lookup}" for lookup in LOOKUPS]
        if isinstance(field, models.ForeignKey):
            names.append(f"{field.name}__id__exact")
    return names


@st.composite
def admin_requests(draw):
    model = draw(st.sampled_from(ADMIN_MODELS))
    params = draw(
        st.dictionaries(st.sampled_from(_admin_params(model)), SENT, max_size=4)
    )
    object_id = draw(st.one_of(NUMBER, QUERY_TEXT.filter(lambda t: "/" not in t)))
    chosen = draw(st.one_of(NUMBER, TEXT))  # an autocomplete field's submitted id
    page = draw(st.sampled_from(["change", "history", "delete", "history/1"]))
    widget = draw(
        st.fixed_dictionaries(
            {
                "term": QUERY_TEXT,
                "app_label": st.sampled_from(["courts", "checklists", "x"]),
                "model_name": st.sampled_from(["membership", "checklistitem", "é"]),
                "field_name": st.sampled_from(["user", "court", "owner", "é"]),
                "page": NUMBER,
            }
        )
    )
    return model, params, object_id, page, widget, chosen


@given(request=admin_requests())
@settings(EXAMPLES, max_examples=30)  # cheap: a few light pages each
def test_every_admin_list_and_widget_answers_malformed_values_with_a_page(
    world, admin_client, request
):
    model, params, object_id, page, widget, chosen = request
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    _ok(admin_client.get(changelist, params), (changelist, params))
    object_url = f"{changelist}{object_id}/{page}/"
    _ok(admin_client.get(object_url), object_url)
    _ok(admin_client.get("/admin/autocomplete/", widget), widget)
    membership = {"user": chosen, "court": chosen, "organisation": "court"}
    _ok(admin_client.post(reverse("admin:courts_membership_add"), membership), chosen)
    # And nothing left broken behind it.
    assert admin_client.get(changelist).status_code == 200


# --- The main forms ------------------------------------------------------------------


def _pages_showing(user, world) -> list[str]:
    """The pages that show what the forms below store."""
    active, incident = world["active"], world["incident"]
    court = {"slug": "court-a"}
    live = {"slug": world["live"].court.slug}
    return [
        reverse("portal:court", kwargs=court),
        reverse("portal:report", kwargs=court),
        active.items.get(order=7).get_absolute_url(),
        active.items.get(order=11).get_absolute_url(),
        reverse("portal:feed_all", kwargs={"token": user.calendar_token}),
        reverse("golive:sign_offs", kwargs=court),
        reverse("golive:incident_detail", kwargs={**live, "pk": incident.pk}),
        reverse("portal:profile"),
        *(
            [
                reverse("dashboard:index"),
                reverse("dashboard:incidents"),
                reverse("api:onboarding_detail", kwargs=court),
                reverse("dashboard:export_items"),
            ]
            if user.is_staff
            else []
        ),
    ]


FORM_FIELDS = st.fixed_dictionaries(
    {
        "date": DATE,
        "starts": TIME,
        "ends": TIME,
        "text": TEXT,
        "long_text": TEXT,
        "name": TEXT,
        "number": NUMBER,
        "choice": VALUE,
    }
)


def _posts(world, v: dict) -> list[tuple[str, dict]]:
    """Each main form of the product, every field filled from `v`."""
    active, incident = world["active"], world["incident"]
    meeting, item = active.items.get(order=7), active.items.get(order=11)
    court = {"slug": "court-a"}
    live = {"slug": world["live"].court.slug}
    return [
        (
            reverse("checklists:item_meeting", kwargs={**court, "pk": meeting.pk}),
            {
                "date": v["date"],
                "starts": v["starts"],
                "ends": v["ends"],
                "location": v["name"],
                "attendees": v["text"],
                "minutes": v["long_text"],
                "expected_version": meeting.version,
            },
        ),
        (
            reverse("checklists:item_status", kwargs={**court, "pk": item.pk}),
            {
                "status": v["choice"],
                "reason": v["text"],
                "note": v["long_text"],
                "expected_version": v["number"],
            },
        ),
        (
            reverse("checklists:comment_add", kwargs={**court, "pk": item.pk}),
            {"body": v["long_text"]},
        ),
        (
            reverse("portal:reschedule", kwargs=court),
            {"go_live_date": v["date"], "reason": v["text"]},
        ),
        (
            reverse("golive:incident_report", kwargs=live),
            {
                "title": v["name"],
                "description": v["long_text"],
                "severity": v["choice"],
                "category": "scanning",
            },
        ),
        (
            reverse("golive:incident_update", kwargs={**live, "pk": incident.pk}),
            {
                "status": v["choice"],
                "owner": v["number"],
                "severity": "P3",
                "note": v["text"],
                "resolution": v["long_text"],
            },
        ),
        (
            reverse("golive:decision", kwargs=court),
            {
                "decision": v["choice"],
                "reason": v["text"],
                "new_go_live_date": v["date"],
            },
        ),
        (
            reverse("golive:sign_off_ask", kwargs=court),
            {
                "line": "acceptance-executive_officer",
                "ask-acceptance-executive_officer-kind": "acceptance",
                "ask-acceptance-executive_officer-role": "executive_officer",
                "ask-acceptance-executive_officer-asked": v["number"],
                "ask-acceptance-executive_officer-message": v["text"],
            },
        ),
        (
            reverse("portal:invite", kwargs=court),
            {
                "email": v["name"] + "@example.org",
                "first_name": v["name"],
                "last_name": v["text"],
                "organisation": "court",
                "role": v["choice"],
            },
        ),
        (reverse("portal:profile"), {"phone": v["name"], "weekly_digest": "on"}),
    ]


@given(as_staff=st.booleans(), values=FORM_FIELDS)
@EXAMPLES
def test_the_main_forms_store_nothing_that_breaks_a_page(
    world, client, staff_user, court_lead, as_staff, values
):
    user = staff_user if as_staff else court_lead
    client.force_login(user)
    for url, data in _posts(world, values):
        _ok(client.post(url, data), (url, data))
    for url in _pages_showing(user, world):
        assert client.get(url).status_code == 200, url

"""Property-based: every form and service that takes typed input, driven with
arbitrary text, numbers and dates (hypothesis) through the pages as a signed-in
person would send them. Never a 500, and never a change to another court's data.

Bounded: each property runs a fixed, derandomized set of examples (max_examples),
so the suite stays within minutes and a failure reproduces.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklists.models import ChecklistItem, GoLiveChange
from collaboration import services as collaboration_services
from collaboration.models import Comment, Evidence
from tests.factories import evidence_bytes

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a browser could send (no lone surrogates: they cannot be encoded),
# NUL and other control characters included, sometimes very long.
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=900, max_size=6000),
    st.sampled_from(["", " ", "\x00", "a\x00b", "<script>", "%00", "../../etc"]),
)
NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "1e309", "NaN", "-0", "0x10", "١٢"]),
)
DATE = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "tomorrow"]),
)
VALUE = st.one_of(TEXT, NUMBER, DATE)


@pytest.fixture
def world(start, court, other_court, court_lead, other_lead, staff_user):
    mine = start(court)
    theirs = start(other_court)
    foreign_item = theirs.items.get(order=11)
    collaboration_services.comment_add(item=foreign_item, body="Theirs.", by=other_lead)
    return {
        "mine": mine,
        "items": list(mine.items.order_by("order")),
        "foreign_ids": list(theirs.items.values_list("pk", flat=True)),
        "theirs": theirs,
    }


def _their_state(world) -> tuple:
    theirs = world["theirs"]
    theirs.refresh_from_db()
    return (
        (theirs.go_live_date, theirs.status, theirs.version),
        (theirs.court_enters_carpos, theirs.so_participates),
        list(
            ChecklistItem.objects.filter(onboarding=theirs)
            .order_by("pk")
            .values_list(
                "status", "note", "blocked_reason", "na_justification", "version"
            )
        ),
        list(Comment.objects.filter(item__onboarding=theirs).values_list("body", "pk")),
        Evidence.objects.filter(item__onboarding=theirs).count(),
        GoLiveChange.objects.filter(onboarding=theirs).count(),
    )


def _ok(response) -> None:
    assert response.status_code < 500, response.status_code


@pytest.fixture
def as_lead(client, court_lead):
    client.force_login(court_lead)
    return client


@pytest.fixture
def as_staff(client, staff_user):
    client.force_login(staff_user)
    return client


@given(
    item_index=st.integers(min_value=0, max_value=35),
    foreign=st.booleans(),
    status=st.one_of(st.sampled_from(ChecklistItem.Status.values), TEXT),
    reason=TEXT,
    note=TEXT,
    version=NUMBER,
    htmx=st.booleans(),
)
@EXAMPLES
def test_item_status_never_fails_nor_touches_another_court(
    world, as_lead, item_index, foreign, status, reason, note, version, htmx
):
    before = _their_state(world)
    items = world["items"]
    pk = world["foreign_ids"][item_index % 10] if foreign else items[item_index % 30].pk
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    _ok(
        as_lead.post(
            reverse("checklists:item_status", kwargs={"slug": "court-a", "pk": pk}),
            {
                "status": status,
                "reason": reason,
                "note": note,
                "expected_version": version,
            },
            **headers,
        )
    )
    assert _their_state(world) == before


@given(body=TEXT, edit=TEXT, reason=TEXT, version=NUMBER, foreign=st.booleans())
@EXAMPLES
def test_comments_and_reopen_never_fail(
    world, as_staff, staff_user, body, edit, reason, version, foreign
):
    before = _their_state(world)
    item = world["items"][10]
    pk = world["foreign_ids"][0] if foreign else item.pk
    kwargs = {"slug": "court-a", "pk": pk}
    _ok(as_staff.post(reverse("checklists:comment_add", kwargs=kwargs), {"body": body}))
    own = Comment.objects.filter(author=staff_user).last()
    if own is not None:
        _ok(
            as_staff.post(
                reverse(
                    "checklists:comment_edit",
                    kwargs={**kwargs, "pk": own.item_id, "comment_pk": own.pk},
                ),
                {"body": edit},
            )
        )
    _ok(
        as_staff.post(
            reverse("checklists:item_reopen", kwargs=kwargs),
            {"reason": reason, "expected_version": version},
        )
    )
    _ok(
        as_staff.post(
            reverse("checklists:item_verify", kwargs=kwargs),
            {"expected_version": version},
        )
    )
    assert _their_state(world) == before


@given(
    go_live=DATE,
    reason=TEXT,
    carpos=VALUE,
    so=st.one_of(st.just(""), VALUE),
)
@EXAMPLES
def test_reschedule_and_processing_model_never_fail(
    world, as_staff, go_live, reason, carpos, so
):
    before = _their_state(world)
    court = {"slug": "court-a"}
    _ok(
        as_staff.post(
            reverse("portal:reschedule", kwargs=court),
            {"go_live_date": go_live, "reason": reason},
        )
    )
    _ok(
        as_staff.post(
            reverse("portal:processing_model", kwargs=court),
            {"court_enters_carpos": carpos, "so_participates": so},
        )
    )
    assert _their_state(world) == before


@given(
    items=st.lists(NUMBER, max_size=5),
    mine=st.lists(st.integers(min_value=0, max_value=29), max_size=5),
    status=st.one_of(st.sampled_from(ChecklistItem.Status.values), TEXT),
    reason=TEXT,
    versions=st.lists(NUMBER, max_size=5),
    foreign=st.lists(st.integers(min_value=0, max_value=9), max_size=3),
    next_url=TEXT,
)
@EXAMPLES
def test_bulk_status_never_fails_nor_touches_another_court(
    world, as_lead, items, mine, status, reason, versions, foreign, next_url
):
    before = _their_state(world)
    own = [world["items"][i].pk for i in mine]
    chosen = (
        items
        + [str(pk) for pk in own]
        + [str(world["foreign_ids"][i]) for i in foreign]
    )
    data = {"items": chosen, "status": status, "reason": reason, "next": next_url}
    for pk, version in zip(own, versions, strict=False):
        data[f"v{pk}"] = version
    _ok(
        as_lead.post(
            reverse("checklists:bulk_status", kwargs={"slug": "court-a"}), data
        )
    )
    assert _their_state(world) == before


@given(name=TEXT, kind=st.sampled_from(["pdf", "png", "docx", "zip", "docm"]))
@EXAMPLES
def test_evidence_upload_names_never_fail(world, as_lead, evidence_storage, name, kind):
    before = _their_state(world)
    item = world["items"][10]
    upload = SimpleUploadedFile(name[:300] or "x", evidence_bytes(kind))
    _ok(
        as_lead.post(
            reverse(
                "checklists:evidence_upload", kwargs={"slug": "court-a", "pk": item.pk}
            ),
            {"file": upload},
        )
    )
    stored = Evidence.objects.filter(item=item).last()
    if stored is not None:
        assert len(stored.original_name) <= 200
    assert _their_state(world) == before


DASHBOARD_PARAMS = [
    "q",
    "status",
    "phase",
    "health",
    "district",
    "court_type",
    "window",
    "go_live_after",
    "go_live_before",
    "go_live_min",
    "go_live_max",
    "sort",
    "page",
    "page_size",
    "group",
    "actor",
    "mine",
    "open",
    "overdue",
]


@given(params=st.dictionaries(st.sampled_from(DASHBOARD_PARAMS), VALUE, max_size=6))
@EXAMPLES
def test_dashboard_api_and_court_filters_never_fail(world, as_staff, params):
    for url in (
        reverse("dashboard:index"),
        reverse("dashboard:statewide"),
        reverse("dashboard:overdue"),
        reverse("dashboard:export_portfolio"),
        reverse("api:onboarding_list"),
        reverse("api:onboarding_detail", kwargs={"slug": "court-a"}),
        reverse("portal:court", kwargs={"slug": "court-a"}),
        reverse("portal:report", kwargs={"slug": "court-a"}),
    ):
        _ok(as_staff.get(url, params))


@given(digest=VALUE, old=TEXT, new1=TEXT, new2=TEXT, token=VALUE, email=TEXT)
@EXAMPLES
def test_profile_and_password_forms_never_fail(
    world, client, court_lead, digest, old, new1, new2, token, email
):
    client.force_login(court_lead)
    _ok(client.post(reverse("portal:profile"), {"weekly_digest": digest}))
    _ok(client.post(reverse("accounts:otp_setup"), {"token": token}))
    response = client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    _ok(response)
    client.logout()
    _ok(client.post(reverse("password_reset"), {"email": email}))
    _ok(client.post(reverse("login"), {"username": old, "password": new1}))

"""The write API: each write goes through the page's access rules and service, so
it is refused as the page refuses, recorded as the page records, and notifies as
the page notifies. Every response is checked against the served OpenAPI schema."""

import pytest
from django.urls import reverse

from accounts.services import user_password_changed
from checklists import access
from checklists.models import ChecklistItem
from collaboration.models import Comment
from golive.models import Incident
from notifications.models import Notification
from tests.factories import MembershipFactory, force_status

pytestmark = pytest.mark.django_db

ITEM = "/api/courts/{slug}/items/{pk}/"
STATUS = "/api/courts/{slug}/items/{pk}/status/"
COMMENTS = "/api/courts/{slug}/items/{pk}/comments/"
REPORT = "/api/courts/{slug}/incidents/"
UPDATE = "/api/courts/{slug}/incidents/{pk}/updates/"
FOLLOW_UP = "/api/courts/{slug}/incidents/{pk}/follow-ups/"


def url(template: str, item_or_pk=None, slug: str = "court-a") -> str:
    pk = getattr(item_or_pk, "pk", item_or_pk)
    return template.format(slug=slug, pk=pk)


def post(client, path, data, headers):
    return client.post(path, data, content_type="application/json", **headers)


@pytest.fixture
def court_item(start, court):
    return start(court).items.get(order=11)  # a Court item


def test_the_schema_is_served_valid_and_names_the_writes(client, openapi):
    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    served = response.json()
    assert served["openapi"].startswith("3.1")
    for path in (ITEM, STATUS, COMMENTS, REPORT, UPDATE, FOLLOW_UP):
        assert path in served["paths"]
    assert "/api/onboardings/{slug}/" in served["paths"]
    assert served["paths"] == openapi["paths"]


def test_a_write_token_blocks_an_item_as_the_page_would(
    client, court_item, court_lead, api_token, conforms
):
    headers = api_token(court_lead)
    response = post(
        client,
        url(STATUS, court_item),
        {"status": "blocked", "reason": "Waiting for the DOJ.", "note": "Called."},
        headers,
    )
    body = conforms(response, STATUS, "post")
    assert response.status_code == 200
    assert (body["status"], body["version"]) == ("blocked", court_item.version + 1)
    court_item.refresh_from_db()
    assert court_item.blocked_reason == "Waiting for the DOJ."
    assert court_item.note == "Called."
    # The same trail as the page: the item's history names the person...
    assert court_item.history.first().history_user == court_lead
    # ...and the same notice: the CCPOR Team hears of a blocked item.
    assert Notification.objects.filter(kind="item_blocked").exists()
    conforms(client.get(url(ITEM, court_item), **headers), ITEM)


def test_a_refusal_of_the_service_is_the_pages_own_words(
    client, court_item, court_lead, api_token, conforms
):
    response = post(
        client, url(STATUS, court_item), {"status": "blocked"}, api_token(court_lead)
    )
    body = conforms(response, STATUS, "post")
    assert response.status_code == 400
    assert body["error"] == "invalid"
    assert body["fields"]["reason"] == ["Say what is blocking this item."]
    client.force_login(court_lead)
    page = client.post(
        reverse(
            "checklists:item_status", kwargs={"slug": "court-a", "pk": court_item.pk}
        ),
        {"status": "blocked", "expected_version": court_item.version},
    )
    assert "Say what is blocking this item." in page.content.decode()


def test_what_the_page_refuses_the_api_refuses_with_its_reason(
    client, court_item, court_liaison, api_token, conforms
):
    response = post(
        client,
        url(STATUS, court_item),
        {"status": "in_progress"},
        api_token(court_liaison),
    )
    body = conforms(response, STATUS, "post")
    assert response.status_code == 403
    assert body["detail"] == access.update_refusal(court_liaison, court_item)
    court_item.refresh_from_db()
    assert court_item.status == ChecklistItem.Status.NOT_STARTED


def test_another_courts_item_and_an_internal_item_are_404(
    client, start, court, other_court, court_lead, api_token, conforms
):
    onboarding = start(court)
    foreign = start(other_court).items.get(order=11)
    internal = onboarding.items.get(order=23)
    assert internal.internal_only
    headers = api_token(court_lead)
    for path in (
        url(STATUS, foreign, slug="court-b"),
        url(STATUS, foreign),
        url(STATUS, internal),
    ):
        response = post(client, path, {"status": "in_progress"}, headers)
        assert response.status_code == 404, path
        conforms(response, STATUS, "post")


def test_a_read_token_reads_but_never_writes(
    client, court_item, court_lead, api_token, conforms
):
    headers = api_token(court_lead, scope="read")
    assert client.get(url(ITEM, court_item), **headers).status_code == 200
    response = post(client, url(STATUS, court_item), {"status": "done"}, headers)
    assert conforms(response, STATUS, "post")["error"] == "insufficient_scope"
    assert response.status_code == 403


def test_a_stale_version_is_a_conflict_and_changes_nothing(
    client, court_item, court_lead, api_token, conforms
):
    response = post(
        client,
        url(STATUS, court_item),
        {"status": "in_progress", "expected_version": court_item.version - 1},
        api_token(court_lead),
    )
    assert response.status_code == 409
    assert conforms(response, STATUS, "post")["error"] == "conflict"
    court_item.refresh_from_db()
    assert court_item.status == ChecklistItem.Status.NOT_STARTED


def test_a_comment_mentions_as_on_the_page(
    client, court_item, court, court_lead, api_token, conforms
):
    MembershipFactory(court=court, user__username="it-a", role="it_contact")
    response = post(
        client,
        url(COMMENTS, court_item),
        {"body": "@it-a the circuit is up."},
        api_token(court_lead),
    )
    assert response.status_code == 201
    assert conforms(response, COMMENTS, "post")["body"] == "@it-a the circuit is up."
    assert Comment.objects.get(item=court_item).author == court_lead
    assert Notification.objects.filter(kind="mention", address="it-a@example.org")


def test_an_incident_is_reported_answered_and_confirmed(
    client, start, court, court_lead, staff_user, api_token, conforms
):
    force_status(start(court), "live")
    lead, staff = api_token(court_lead), api_token(staff_user)
    response = post(
        client,
        url(REPORT),
        {"title": "Scanner drops pages", "description": "Page 3.", "severity": "P3"},
        lead,
    )
    assert response.status_code == 201
    incident = conforms(response, REPORT, "post")
    assert incident["category"] == "other"
    # Only the CCPOR Team responds: the page's refusal, word for word.
    response = post(client, url(UPDATE, incident["id"]), {"status": "resolved"}, lead)
    assert response.status_code == 403
    assert conforms(response, UPDATE, "post")["detail"] == (
        "Only the CCPOR Team responds to incidents."
    )
    response = post(
        client,
        url(UPDATE, incident["id"]),
        {"status": "resolved", "resolution": "Driver updated."},
        staff,
    )
    body = conforms(response, UPDATE, "post")
    assert (body["status"], body["owner"]) == ("resolved", staff_user.username)
    # The reporter is told, as when it is resolved on the page.
    assert Notification.objects.filter(kind="incident_resolved").exists()
    response = post(client, url(FOLLOW_UP, incident["id"]), {"action": "confirm"}, lead)
    assert response.status_code == 200
    conforms(response, FOLLOW_UP, "post")
    assert Incident.objects.get().fix_confirmed_at is not None


def test_bad_json_is_a_400_not_a_500(client, court_item, court_lead, api_token):
    response = client.post(
        url(STATUS, court_item),
        "{not json",
        content_type="application/json",
        **api_token(court_lead),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"


def test_the_api_is_rate_limited_per_person(
    client, court_item, court_lead, api_token, settings, conforms
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (2, 60)}
    headers = api_token(court_lead)
    for _ in range(2):
        assert client.get(url(ITEM, court_item), **headers).status_code == 200
    response = client.get(url(ITEM, court_item), **headers)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert conforms(response, ITEM)["error"] == "throttled"


def test_a_new_password_revokes_the_token(client, court_item, court_lead, api_token):
    headers = api_token(court_lead)
    user_password_changed(user=court_lead, by=court_lead)
    response = client.get(url(ITEM, court_item), **headers)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_the_read_endpoints_answer_as_the_schema_says(
    client, start, court, staff_user, api_token, conforms
):
    start(court)
    headers = api_token(staff_user, scope="read")
    conforms(client.get("/api/onboardings/?status=all", **headers), "/api/onboardings/")
    conforms(
        client.get("/api/onboardings/court-a/", **headers), "/api/onboardings/{slug}/"
    )
    conforms(client.get("/api/forecast/", **headers), "/api/forecast/")
    conforms(client.get("/api/capacity/?weeks=3", **headers), "/api/capacity/")
    conforms(
        client.get("/api/onboardings/court-a/roster/", **headers),
        "/api/onboardings/{slug}/roster/",
    )
    bad_weeks = client.get("/api/capacity/?weeks=0", **headers)
    assert conforms(bad_weeks, "/api/capacity/")["error"] == "bad_request"
    bad = client.get("/api/onboardings/?status=nope", **headers)
    assert conforms(bad, "/api/onboardings/")["error"] == "invalid_status"


def test_the_schema_counts_open_items_for_every_actor():
    """The API's by-actor shape names each actor of the checklist, no more."""
    from api.serializers import ByActor
    from checklists.models import Actor

    assert set(ByActor().fields) == set(Actor.values)

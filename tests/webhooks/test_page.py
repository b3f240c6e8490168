"""The CCPOR Team's webhooks page: adding through the service, pausing and
resuming, and as many queries for many endpoints as for one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from webhooks import services
from webhooks.models import Endpoint

pytestmark = pytest.mark.django_db

PAGE = reverse("webhooks:endpoints")


def _add(n: int, by):
    for i in range(n):
        services.endpoint_add(
            name=f"Receiver {i}",
            url=f"https://r{i}.example.org/hook",
            secret="a-secret-of-sixteen+",
            events="all",
            by=by,
        )


def test_staff_add_an_endpoint_and_pause_and_resume_it(client, staff_user, court):
    client.force_login(staff_user)
    response = client.post(
        PAGE,
        {
            "name": "Fresno channel",
            "url": "https://teams.example.org/hook",
            "secret": "a-secret-of-sixteen+",
            "events": ["incident.reported", "sign_off.given"],
            "format": "teams",
            "court": court.pk,
        },
    )
    assert response.status_code == 302
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["incident.reported", "sign_off.given"]
    assert (endpoint.court, endpoint.format) == (court, "teams")
    action = reverse("webhooks:endpoint_action", args=[endpoint.pk])
    client.post(action, {"action": "pause"})
    endpoint.refresh_from_db()
    assert endpoint.is_paused
    page = client.get(PAGE).content.decode()
    assert "Paused" in page and "Resume Fresno channel" in page
    client.post(action, {"action": "resume"})
    endpoint.refresh_from_db()
    assert not endpoint.is_paused


def test_a_short_secret_is_refused_on_the_page(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        PAGE,
        {
            "name": "x",
            "url": "https://r.example.org/",
            "secret": "short",
            "events": ["incident.reported"],
            "format": "json",
        },
    )
    assert response.status_code == 400
    assert not Endpoint.objects.exists()


def test_the_page_asks_as_many_queries_for_many_endpoints(client, staff_user):
    client.force_login(staff_user)
    _add(1, staff_user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    _add(6, staff_user)
    with CaptureQueriesContext(connection) as many:
        assert client.get(PAGE).status_code == 200
    assert len(many) == len(few)

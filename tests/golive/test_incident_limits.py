"""Incident reports are rate-limited per person and per client address (each mails
the court's lead and may page the CCPOR Team); identical reports sent at the same
moment never give a 500."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from golive.models import Incident

REPORT = {
    "title": "Cannot reach CCPOR",
    "description": "Timeouts since 9 am.",
    "severity": "P3",
    "category": "connectivity",
}


def url(court) -> str:
    return reverse("golive:incident_report", kwargs={"slug": court.slug})


@pytest.fixture
def limit_of_two(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "incident_report": (2, 3600)}


@pytest.mark.django_db
def test_one_person_is_limited(client, live, court, court_lead, limit_of_two):
    client.force_login(court_lead)
    codes = [
        client.post(url(court), REPORT, REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    assert Incident.objects.count() == 2


@pytest.mark.django_db
def test_one_client_address_is_limited(
    client, live, court, court_lead, court_liaison, limit_of_two
):
    client.force_login(court_lead)
    for _ in range(2):
        client.post(url(court), REPORT, REMOTE_ADDR="10.0.0.9")
    client.force_login(court_liaison)
    refused = client.post(url(court), REPORT, REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert client.post(url(court), REPORT, REMOTE_ADDR="10.0.0.8").status_code == 302
    assert Incident.objects.count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_identical_reports_at_the_same_moment_never_give_a_500(live, court, court_lead):
    threads, results = 6, []
    barrier = threading.Barrier(threads)

    def send():
        client = Client(raise_request_exception=False)
        client.force_login(court_lead)
        try:
            barrier.wait(timeout=30)
            results.append(client.post(url(court), REPORT).status_code)
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(results) == [302] * threads
    assert Incident.objects.count() == threads

"""The dashboard's roster column and filter: the value for a court without an
onboarding, an active one and a closed one; the filters."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from roster.models import RosterPerson
from tests.factories import CourtFactory, force_status

pytestmark = pytest.mark.django_db


def _add(court, name, **fields):
    return RosterPerson.objects.create(
        court=court,
        name=name,
        email=f"{name.lower()}@example.org",
        organisation="court",
        ccpor_role="query",
        clets_level="ltfa",
        clets_certified_on=datetime.date(2025, 1, 1),
        clets_expires_on=datetime.date(2027, 1, 1),
        **fields,
    )


def _rows(client, query=""):
    response = client.get(reverse("dashboard:index") + "?not_started=show&" + query)
    return {row.court.name: row for row in response.context["rows"]}


def test_the_column_counts_ready_people_for_each_kind_of_court(
    client, staff_user, start, frozen_today
):
    active, closed, never = (
        CourtFactory(name=n, slug=n.lower()) for n in ("Active", "Closed", "Never")
    )
    onboarding = start(active)
    trained = _add(active, "Ann")
    trained.trainings.add(onboarding.items.get(order=25))
    _add(active, "Bob")  # untrained
    force_status(start(closed), "closed")
    _add(closed, "Cy", cjis_expires_on=datetime.date(2026, 1, 1))  # expired
    _add(never, "Di")
    client.force_login(staff_user)
    rows = _rows(client)
    assert (rows["Active"].roster_ready, rows["Active"].roster_total) == (1, 2)
    assert (rows["Closed"].roster_total, rows["Closed"].roster_expired) == (1, 1)
    assert (rows["Never"].roster_ready, rows["Never"].roster_total) == (0, 1)
    assert set(_rows(client, "roster=not_ready")) == {"Active", "Closed", "Never"}
    assert set(_rows(client, "roster=expired")) == {"Closed"}
    page = client.get(reverse("dashboard:index") + "?not_started=show").text
    assert "1/2" in page and "1 expired" in page
    # The portfolio CSV carries the same figures, for every kind of court.
    export = client.get(reverse("dashboard:export_portfolio") + "?not_started=show")
    text = b"".join(export.streaming_content).decode()[1:]
    lines = {r["Court"]: r for r in csv.DictReader(io.StringIO(text))}
    figures = {
        name: (r["Roster ready"], r["Roster total"], r["Roster expired"])
        for name, r in lines.items()
        if name in ("Active", "Closed", "Never")
    }
    assert figures == {
        "Active": ("1", "2", "0"),
        "Closed": ("0", "1", "1"),
        "Never": ("0", "1", "0"),
    }

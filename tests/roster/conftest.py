import datetime

import pytest

from roster.models import RosterPerson


@pytest.fixture
def person():
    """Put someone on a court's roster (ready by default for a Court-role person
    going live within two years, once trained)."""

    def _person(court, name="Pat Doe", **fields):
        values = {
            "email": f"{name.split()[0].lower()}@example.org",
            "organisation": "court",
            "ccpor_role": "query",
            "clets_level": "ltfa",
            "clets_certified_on": datetime.date(2026, 1, 10),
            "clets_expires_on": datetime.date(2028, 1, 10),
            **fields,
        }
        return RosterPerson.objects.create(court=court, name=name, **values)

    return _person


@pytest.fixture
def trained(start):
    """Record that a person attended the onboarding's train-the-trainer session."""

    def _trained(person, onboarding, order=25):
        person.trainings.add(onboarding.items.get(order=order))
        return person

    return _trained

"""Readiness: the Python rule and its SQL twin agree on the boundary cases, and the
default table is the documented one."""

import datetime

import pytest

from roster.models import RoleRequirement, RosterPerson
from roster.readiness import (
    CLETS_GRACE_DAYS,
    DEFAULT_REQUIREMENTS,
    requirements,
    verdict,
    with_ready,
)

pytestmark = pytest.mark.django_db

GO_LIVE = datetime.date(2026, 6, 1)


def _both(person, on=GO_LIVE) -> tuple[bool, bool]:
    actors = [t.actor for t in person.trainings.all()]
    python = verdict(person, on=on, table=requirements(), training_actors=actors)
    sql = with_ready(RosterPerson.objects.filter(pk=person.pk), on=on).get().ready
    return python.ready, sql


CASES = {
    # name: (fields, trained at, ready)
    "valid on the day": ({"clets_expires_on": GO_LIVE}, 25, True),
    "expired the day before": (
        {"clets_expires_on": GO_LIVE - datetime.timedelta(days=1)},
        25,
        False,
    ),
    "untrained": ({}, None, False),
    "end-user training is any training": ({}, 29, True),
    "level too low for the Court role": ({"ccpor_role": "court"}, 25, False),
    "full access for the Court role": (
        {"ccpor_role": "court", "clets_level": "full"},
        29,
        True,
    ),
    "supervisor needs the CCPOR Team's session": (
        {"ccpor_role": "supervisor", "clets_level": "full"},
        29,
        False,
    ),
    "supervisor trained by the CCPOR Team": (
        {"ccpor_role": "supervisor", "clets_level": "full"},
        25,
        True,
    ),
    "exam on record, last day of grace": (
        {
            "clets_certified_on": None,
            "clets_expires_on": None,
            "clets_exam_on": GO_LIVE,
            "clets_assigned_on": GO_LIVE
            - datetime.timedelta(days=CLETS_GRACE_DAYS - 1),
        },
        25,
        True,
    ),
    "exam on record, grace over": (
        {
            "clets_certified_on": None,
            "clets_expires_on": None,
            "clets_exam_on": GO_LIVE,
            "clets_assigned_on": GO_LIVE - datetime.timedelta(days=CLETS_GRACE_DAYS),
        },
        25,
        False,
    ),
    "no certification at all": (
        {"clets_certified_on": None, "clets_expires_on": None},
        25,
        False,
    ),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_python_rule_and_the_sql_agree(case, court, start, person, trained):
    fields, training, ready = CASES[case]
    onboarding = start(court)
    someone = person(court, **fields)
    if training:
        trained(someone, onboarding, order=training)
    assert _both(someone) == (ready, ready)


def test_a_role_that_needs_no_clets_needs_only_its_training(court, start, person):
    RoleRequirement.objects.filter(ccpor_role="query").update(
        clets_level="none", training="none"
    )
    someone = person(court, clets_level="none", clets_certified_on=None)
    assert _both(someone) == (True, True)


def test_the_default_table_is_the_documented_one():
    stored = {
        r.ccpor_role: (r.clets_level, r.training) for r in RoleRequirement.objects.all()
    }
    assert stored == {
        k.value: (v[0].value, v[1].value) for k, v in DEFAULT_REQUIREMENTS.items()
    }


def test_the_verdict_says_what_is_missing(court, start, person):
    start(court)
    someone = person(court, ccpor_role="court", clets_level="ltfa")
    found = verdict(someone, on=GO_LIVE, table=requirements(), training_actors=[])
    assert found.missing == (
        "training (any CCPOR training session)",
        "CLETS certification at Full Access",
    )

"""The item that grants CCPOR accounts cannot be done until everyone on the roster
who needs access is ready; the default template places it after the training."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from checklists import services
from checklists.models import TemplateItem
from roster.services import person_mark_left
from tests.factories import attach_evidence

pytestmark = pytest.mark.django_db


def _access_item(onboarding):
    """The access item, its dependency (21, the roster submitted) done first."""
    roster_item = onboarding.items.get(order=21)
    attach_evidence(roster_item, by=roster_item.onboarding.started_by)
    _done(roster_item, roster_item.onboarding.started_by)
    return onboarding.items.get(grants_ccpor_access=True)


def _done(item, by):
    return services.item_set_status(
        item=item, status="done", by=by, expected_version=item.version
    )


def test_the_default_template_grants_accounts_after_the_training(default_template):
    access = default_template.items.get(grants_ccpor_access=True)
    training = default_template.items.get(order=25)
    assert access.order == 23 and training.is_training
    assert access.offset_days > training.offset_days


def test_the_refusal_names_who_is_missing_what(
    court, start, person, trained, staff_user
):
    onboarding = start(court)
    ready = trained(person(court, "Ann Ready"), onboarding)
    person(court, "Bob Untrained")
    person(
        court,
        "Cy Lapsed",
        clets_expires_on=onboarding.go_live_date - datetime.timedelta(days=1),
    )
    trained(onboarding.court.roster.get(name="Cy Lapsed"), onboarding)
    with pytest.raises(ValidationError) as exc:
        _done(_access_item(onboarding), staff_user)
    message = " ".join(exc.value.messages)
    assert "1 of 3 people ready" in message
    assert "Bob Untrained needs training (any CCPOR training session)" in message
    assert "Cy Lapsed needs a CLETS certification (Less Than Full Access) valid on" in (
        message
    )
    assert ready.name not in message


def test_the_item_is_done_once_everyone_is_ready_and_leavers_do_not_count(
    court, start, person, trained, staff_user
):
    onboarding = start(court)
    trained(person(court, "Ann Ready"), onboarding)
    gone = person(court, "Bob Gone")
    person_mark_left(person=gone, by=staff_user, left_on=datetime.date(2026, 3, 1))
    item = _done(_access_item(onboarding), staff_user)
    assert item.status == "done"


def test_other_items_ignore_the_roster(court, start, person, staff_user):
    onboarding = start(court)
    person(court, "Bob Untrained")
    item = onboarding.items.get(order=1)
    assert _done(item, staff_user).status == "done"


def test_new_onboardings_copy_the_flag(court, start):
    onboarding = start(court)
    assert list(
        onboarding.items.filter(grants_ccpor_access=True).values_list(
            "order", flat=True
        )
    ) == [23]
    assert TemplateItem.objects.filter(grants_ccpor_access=True).count() == 1

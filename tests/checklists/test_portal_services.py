"""The services the portal writes through: verification, reopening, bulk status,
evidence recognition, comments and the processing model."""

import io

import pytest
from django.core.exceptions import ValidationError

from checklists import services
from collaboration import services as collaboration_services
from tests.factories import (
    attach_evidence,
    cancel_onboarding,
    days,
    evidence_bytes,
    force_status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def onboarding(start, court):
    return start(court)


def test_leaving_done_clears_the_verification(onboarding, court_lead, staff_user):
    item = onboarding.items.get(order=11)
    item = services.item_set_status(
        item=item, status="done", by=court_lead, expected_version=1
    )
    item = services.item_verify(item=item, by=staff_user, expected_version=2)
    assert item.is_verified
    item = services.item_set_status(
        item=item, status="in_progress", by=staff_user, expected_version=3
    )
    assert item.verified_at is None and item.verified_by is None


def test_verify_is_recorded_with_who_and_why(onboarding, court_lead, staff_user):
    item = services.item_set_status(
        item=onboarding.items.get(order=11),
        status="done",
        by=court_lead,
        expected_version=1,
    )
    item = services.item_verify(item=item, by=staff_user, expected_version=2)
    item.refresh_from_db()
    assert (item.verified_by, item.updated_by, item.version) == (staff_user,) * 2 + (3,)
    latest = item.history.first()
    assert latest.history_user == staff_user
    assert latest.history_change_reason == "verified by the CCPOR Team"


def test_saving_a_verified_item_as_done_again_keeps_the_verification(
    onboarding, court_lead, staff_user
):
    item = services.item_set_status(
        item=onboarding.items.get(order=11),
        status="done",
        by=court_lead,
        expected_version=1,
    )
    item = services.item_verify(item=item, by=staff_user, expected_version=2)
    item = services.item_set_status(
        item=item, status="done", by=staff_user, expected_version=3, note="Filed"
    )
    assert item.is_verified and item.verified_by == staff_user


def test_verify_refuses_stale_and_twice(onboarding, court_lead, staff_user):
    item = services.item_set_status(
        item=onboarding.items.get(order=11),
        status="done",
        by=court_lead,
        expected_version=1,
    )
    with pytest.raises(services.StaleEditError):
        services.item_verify(item=item, by=staff_user, expected_version=1)
    services.item_verify(item=item, by=staff_user, expected_version=2)
    with pytest.raises(ValidationError, match="already verified"):
        services.item_verify(item=item, by=staff_user, expected_version=3)


def test_verify_is_refused_once_the_onboarding_is_closed(
    onboarding, court_lead, staff_user
):
    """A closed onboarding reads as history: a done item is no longer verified."""
    item = services.item_set_status(
        item=onboarding.items.get(order=11),
        status="done",
        by=court_lead,
        expected_version=1,
    )
    force_status(onboarding, "closed")
    with pytest.raises(ValidationError):
        services.item_verify(item=item, by=staff_user, expected_version=item.version)
    item.refresh_from_db()
    assert (item.verified_at, item.verified_by) == (None, None)


def test_an_evidence_required_item_with_its_document_is_verified(
    onboarding, staff_user
):
    item = onboarding.items.filter(evidence_required=True).order_by("order").first()
    attach_evidence(item, by=staff_user)
    item.refresh_from_db()
    item = services.item_set_status(
        item=item, status="done", by=staff_user, expected_version=item.version
    )
    verified = services.item_verify(
        item=item, by=staff_user, expected_version=item.version
    )
    assert (verified.verified_by, verified.is_verified) == (staff_user, True)


def test_reopen_refuses_an_open_item(onboarding, staff_user):
    item = onboarding.items.get(order=11)
    with pytest.raises(ValidationError, match="Only a done or N/A item"):
        services.item_reopen(item=item, by=staff_user, expected_version=1, reason="x")


def test_reopen_is_recorded_in_history_with_its_reason(
    onboarding, court_lead, staff_user
):
    item = services.item_set_status(
        item=onboarding.items.get(order=11),
        status="na",
        by=court_lead,
        expected_version=1,
        reason="Not needed.",
    )
    services.item_reopen(item=item, by=staff_user, expected_version=2, reason="Needed")
    latest = item.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == "reopened: Needed"
    assert latest.history_user == staff_user


def test_bulk_one_refusal_does_not_undo_the_others(onboarding, court_lead):
    a, b = onboarding.items.get(order=11), onboarding.items.get(order=13)
    changed, refused = services.items_bulk_set_status(
        items=[a, b],
        status="blocked",
        by=court_lead,
        expected_versions={a.pk: 1, b.pk: 99},
        reason="Waiting on the county.",
    )
    assert [i.pk for i in changed] == [a.pk]
    assert refused[0][0].pk == b.pk and "changed by someone else" in refused[0][1]
    a.refresh_from_db()
    assert a.status == "blocked"


def test_bulk_reports_refusals_decided_beforehand(onboarding, court_lead):
    a = onboarding.items.get(order=8)
    changed, refused = services.items_bulk_set_status(
        items=[a],
        status="done",
        by=court_lead,
        expected_versions={},
        refusals={a.pk: "Not yours."},
    )
    assert changed == [] and refused == [(a, "Not yours.")]
    a.refresh_from_db()
    assert a.status == "not_started"


@pytest.mark.parametrize("kind", ["pdf", "docx", "xlsx", "png", "jpg"])
def test_detect_type_from_content(kind):
    assert (
        collaboration_services.evidence_detect_type(io.BytesIO(evidence_bytes(kind)))
        == kind
    )


@pytest.mark.parametrize("kind", ["docm", "zip"])
def test_detect_type_refuses_other_zip_files(kind):
    assert (
        collaboration_services.evidence_detect_type(io.BytesIO(evidence_bytes(kind)))
        is None
    )


def test_detect_type_refuses_a_broken_zip():
    assert (
        collaboration_services.evidence_detect_type(io.BytesIO(b"PK\x03\x04broken"))
        is None
    )


def test_comment_needs_text(onboarding, court_lead):
    with pytest.raises(ValidationError):
        collaboration_services.comment_add(
            item=onboarding.items.get(order=11), body="  ", by=court_lead
        )


def test_processing_model_off_marks_open_items_na_and_leaves_finished_ones(
    onboarding, staff_user
):
    attach_evidence(onboarding.items.get(order=12), by=staff_user)
    services.item_set_status(
        item=onboarding.items.get(order=12),
        status="done",
        by=staff_user,
        expected_version=1,
    )
    services.onboarding_set_processing_model(
        onboarding=onboarding,
        court_enters_carpos=False,
        so_participates=True,
        by=staff_user,
    )
    statuses = dict(onboarding.items.values_list("order", "status"))
    assert statuses[12] == "done"
    assert statuses[18] == statuses[19] == "na"
    assert onboarding.items.get(order=18).na_justification.startswith(
        services.PROCESSING_MODEL_NA
    )
    onboarding.refresh_from_db()
    assert onboarding.court_enters_carpos is False


def test_processing_model_on_adds_missing_items_with_dates_and_dependencies(
    start, other_court, staff_user
):
    onboarding = start(other_court, carpos=False, so=False)
    assert not onboarding.items.filter(order__in=[12, 18, 19, 20]).exists()
    services.onboarding_set_processing_model(
        onboarding=onboarding,
        court_enters_carpos=True,
        so_participates=True,
        by=staff_user,
    )
    items = {i.order: i for i in onboarding.items.all()}
    assert {12, 18, 19, 20} <= set(items)
    assert items[18].due_date == onboarding.go_live_date - days(45)
    assert list(items[18].depends_on.values_list("order", flat=True)) == [12]
    assert items[20].history.first().history_user == staff_user


def test_processing_model_back_on_reopens_what_the_change_set_na(
    onboarding, staff_user
):
    kwargs = {"onboarding": onboarding, "court_enters_carpos": True, "by": staff_user}
    services.onboarding_set_processing_model(so_participates=False, **kwargs)
    assert onboarding.items.get(order=20).status == "na"
    services.onboarding_set_processing_model(so_participates=True, **kwargs)
    assert onboarding.items.get(order=20).status == "not_started"


def test_processing_model_refuses_no_change_and_closed_onboardings(
    onboarding, staff_user
):
    with pytest.raises(ValidationError, match="already the processing model"):
        services.onboarding_set_processing_model(
            onboarding=onboarding,
            court_enters_carpos=True,
            so_participates=True,
            by=staff_user,
        )
    cancel_onboarding(onboarding, by=staff_user)
    with pytest.raises(ValidationError, match="Only an active onboarding"):
        services.onboarding_set_processing_model(
            onboarding=onboarding,
            court_enters_carpos=False,
            so_participates=True,
            by=staff_user,
        )

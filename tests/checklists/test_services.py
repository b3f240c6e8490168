import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from checklists import services
from checklists.models import ChecklistItem, GoLiveChange, Onboarding
from tests.conftest import TODAY
from tests.factories import (
    TemplateFactory,
    TemplateItemFactory,
    attach_evidence,
    cancel_onboarding,
    days,
)

pytestmark = pytest.mark.django_db

DONE = ChecklistItem.Status.DONE
NA = ChecklistItem.Status.NOT_APPLICABLE
BLOCKED = ChecklistItem.Status.BLOCKED


def orders(onboarding) -> set[int]:
    return set(onboarding.items.values_list("order", flat=True))


# --- onboarding_start -----------------------------------------------------------


def test_start_copies_every_item_when_court_enters_carpos_and_so_participates(
    start, court
):
    onboarding = start(court, carpos=True, so=True)
    assert orders(onboarding) == set(range(1, 37))


def test_start_leaves_out_carpos_items_when_court_does_not_enter_carpos(start, court):
    onboarding = start(court, carpos=False, so=True)
    assert orders(onboarding) == set(range(1, 37)) - {12, 18, 19}


def test_start_leaves_out_so_items_when_so_does_not_participate(start, court):
    onboarding = start(court, carpos=True, so=False)
    assert orders(onboarding) == set(range(1, 37)) - {20}


def test_start_sets_due_dates_from_go_live_and_offsets(start, court):
    onboarding = start(court, go_live_in=200)
    go_live = TODAY + days(200)
    due = dict(onboarding.items.values_list("order", "due_date"))
    assert due[1] == go_live - days(150)
    assert due[14] == go_live - days(60)
    assert due[26] == go_live - days(30)
    assert due[32] == go_live
    assert due[36] == go_live + days(45)


def test_start_copies_template_fields_and_dependencies(start, court):
    onboarding = start(court)
    item = onboarding.items.get(order=26)
    assert item.actor == "court" and item.kind == "activity" and item.offset_days == -30
    assert item.phase.name == "Implement"
    deps = sorted(item.depends_on.values_list("order", flat=True))
    assert deps == [14, 21, 24]
    # Dependencies point inside the same onboarding, never at the template.
    assert set(item.depends_on.values_list("onboarding_id", flat=True)) == {
        onboarding.pk
    }
    assert onboarding.items.get(order=23).internal_only is True


def test_start_skips_dependencies_on_items_that_do_not_apply(start, court):
    onboarding = start(court, carpos=False)
    # 18 (DOJ approval) needs 12 (registration); neither applies, nothing dangles.
    assert not onboarding.items.filter(order__in=[12, 18]).exists()
    assert onboarding.items.get(order=14).depends_on.count() == 1


def test_start_refuses_a_go_live_date_in_the_past(start, court):
    with pytest.raises(ValidationError) as exc:
        start(court, go_live_in=-1)
    assert "in the past" in exc.value.message_dict["go_live_date"][0]
    assert not Onboarding.objects.exists()


def test_start_refuses_an_inactive_template(start, court, default_template):
    default_template.is_active = False
    default_template.save()
    with pytest.raises(ValidationError) as exc:
        start(court, template=default_template)
    assert "inactive" in exc.value.message_dict["template"][0]


def test_start_refuses_a_court_that_already_has_an_open_onboarding(start, court):
    start(court)
    with pytest.raises(ValidationError) as exc:
        start(court, go_live_in=120)
    assert "already has an open onboarding" in exc.value.message_dict["court"][0]
    assert Onboarding.objects.filter(court=court).count() == 1


def test_start_is_allowed_again_after_the_previous_onboarding_is_cancelled(
    start, court, staff_user
):
    first = start(court)
    cancel_onboarding(first, by=staff_user)
    second = start(court, go_live_in=150)
    assert second.pk != first.pk and second.status == "active"


def test_start_writes_nothing_when_copying_fails_half_way(start, court, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(
        ChecklistItem.depends_on.through.objects, "bulk_create", explode
    )
    with pytest.raises(RuntimeError):
        start(court)
    assert not Onboarding.objects.exists()
    assert not ChecklistItem.objects.exists()


def test_start_uses_only_the_template_it_is_given(court, staff_user):
    template = TemplateFactory()
    TemplateItemFactory(template=template, order=1, offset_days=-10)
    TemplateItemFactory(template=template, order=2, offset_days=-5, condition="so")
    onboarding = services.onboarding_start(
        court=court,
        go_live_date=TODAY + days(20),
        court_enters_carpos=False,
        so_participates=False,
        started_by=staff_user,
        template=template,
        today=TODAY,
    )
    assert orders(onboarding) == {1}


# --- the one-open-onboarding constraint -----------------------------------------


def test_database_refuses_two_open_onboardings_for_one_court(
    start, court, default_template
):
    start(court)
    with pytest.raises(IntegrityError), transaction.atomic():
        Onboarding.objects.create(
            court=court,
            template=default_template,
            go_live_date=TODAY + days(10),
            court_enters_carpos=False,
            so_participates=False,
            status="live",
        )


def test_database_allows_closed_onboardings_beside_an_open_one(
    start, court, default_template
):
    start(court)
    for status in ("closed", "cancelled", "closed"):
        Onboarding.objects.create(
            court=court,
            template=default_template,
            go_live_date=TODAY,
            court_enters_carpos=False,
            so_participates=False,
            status=status,
        )
    assert Onboarding.objects.filter(court=court).count() == 4


# --- onboarding_reschedule ------------------------------------------------------


def _finish(item, status, by, reason=""):
    """Set a status; an evidence-required item gets its document before it is
    finished (done or N/A)."""
    if status in (DONE, NA) and item.evidence_required and not item.evidence.exists():
        attach_evidence(item, by=by)
    return services.item_set_status(
        item=item, status=status, by=by, expected_version=item.version, reason=reason
    )


def test_reschedule_moves_open_items_and_keeps_finished_ones(start, court, staff_user):
    onboarding = start(court, go_live_in=100)
    done = _finish(onboarding.items.get(order=1), DONE, staff_user)
    na = _finish(onboarding.items.get(order=2), NA, staff_user, reason="Not needed")
    blocked = _finish(
        onboarding.items.get(order=3), BLOCKED, staff_user, reason="Waiting"
    )
    before = dict(onboarding.items.values_list("order", "due_date"))

    services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=TODAY + days(130),
        reason="County network upgrade slipped",
        by=staff_user,
        today=TODAY,
    )

    after = dict(onboarding.items.values_list("order", "due_date"))
    assert after[1] == before[1] == done.due_date
    assert after[2] == before[2] == na.due_date
    assert after[3] == before[3] + days(30)
    assert after[32] == TODAY + days(130)
    assert all(after[o] == before[o] + days(30) for o in range(4, 37))
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == TODAY + days(130)
    assert blocked.pk  # still blocked, only its date moved
    assert onboarding.items.get(order=3).status == BLOCKED


def test_reschedule_records_the_change(start, court, staff_user):
    onboarding = start(court, go_live_in=100)
    services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=TODAY + days(80),
        reason="Court ready early",
        by=staff_user,
        today=TODAY,
    )
    change = GoLiveChange.objects.get(onboarding=onboarding)
    assert change.old_date == TODAY + days(100)
    assert change.new_date == TODAY + days(80)
    assert change.reason == "Court ready early"
    assert change.changed_by == staff_user
    assert change.changed_at is not None


def test_reschedule_bumps_item_versions_so_open_editors_see_a_conflict(
    start, court, staff_user
):
    onboarding = start(court, go_live_in=100)
    item = onboarding.items.get(order=5)
    services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=TODAY + days(110),
        reason="Moved",
        by=staff_user,
        today=TODAY,
    )
    with pytest.raises(services.StaleEditError):
        _finish(item, DONE, staff_user)


@pytest.mark.parametrize("reason", ["", "   "])
def test_reschedule_requires_a_reason(start, court, staff_user, reason):
    onboarding = start(court, go_live_in=100)
    with pytest.raises(ValidationError) as exc:
        services.onboarding_reschedule(
            onboarding=onboarding,
            go_live_date=TODAY + days(120),
            reason=reason,
            by=staff_user,
            today=TODAY,
        )
    assert "reason" in exc.value.message_dict
    assert not GoLiveChange.objects.exists()
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == TODAY + days(100)


def test_reschedule_refuses_a_past_date_and_a_closed_onboarding(
    start, court, staff_user
):
    onboarding = start(court, go_live_in=100)
    with pytest.raises(ValidationError, match="in the past"):
        services.onboarding_reschedule(
            onboarding=onboarding,
            go_live_date=TODAY - days(1),
            reason="x",
            by=staff_user,
            today=TODAY,
        )
    cancel_onboarding(onboarding, by=staff_user)
    with pytest.raises(ValidationError, match="Only an active onboarding"):
        services.onboarding_reschedule(
            onboarding=onboarding,
            go_live_date=TODAY + days(120),
            reason="x",
            by=staff_user,
            today=TODAY,
        )


# --- item_set_status ------------------------------------------------------------


def test_blocked_needs_a_reason(start, court, staff_user):
    item = start(court).items.get(order=4)
    with pytest.raises(ValidationError) as exc:
        _finish(item, BLOCKED, staff_user)
    assert "blocking" in exc.value.message_dict["reason"][0]
    item.refresh_from_db()
    assert item.status == "not_started" and item.version == 1


@pytest.mark.parametrize("status", [BLOCKED, NA])
@pytest.mark.parametrize("reason", ["   ", None])
def test_a_reason_of_spaces_or_none_is_no_reason(
    start, court, staff_user, status, reason
):
    item = start(court).items.get(order=4)
    with pytest.raises(ValidationError) as exc:
        _finish(item, status, staff_user, reason=reason)
    assert "reason" in exc.value.message_dict


def test_blocked_with_a_reason_keeps_the_reason(start, court, staff_user):
    item = start(court).items.get(order=4)
    item = _finish(item, BLOCKED, staff_user, reason="  Presiding judge away ")
    assert item.status == BLOCKED and item.blocked_reason == "Presiding judge away"
    assert item.na_justification == "" and item.completed_at is None


def test_each_reason_goes_to_its_own_status(start, court, staff_user):
    """From blocked to N/A: the justification is kept, the blocking reason cleared;
    and back to in progress, both are cleared."""
    item = start(court).items.get(order=4)
    item = _finish(item, BLOCKED, staff_user, reason="Waiting for the SO")
    item = _finish(item, NA, staff_user, reason="The SO does it")
    assert (item.blocked_reason, item.na_justification) == ("", "The SO does it")
    item = _finish(item, "in_progress", staff_user, reason="Back on")
    assert (item.blocked_reason, item.na_justification) == ("", "")


def test_moving_between_done_and_na_keeps_who_finished_it_and_when(
    start, court, staff_user, court_lead
):
    item = _finish(start(court).items.get(order=4), DONE, court_lead)
    finished_at = item.completed_at
    item = _finish(item, NA, staff_user, reason="Confirmed by phone instead")
    assert (item.completed_by, item.completed_at) == (court_lead, finished_at)


def test_finishing_records_now_even_over_a_stale_finish_time(
    start, court, staff_user, court_lead
):
    """An open item never keeps a finish time through the services; if a data fix
    left one, finishing the item records the new finisher and time all the same."""
    item = _finish(start(court).items.get(order=4), DONE, court_lead)
    stale = item.completed_at
    ChecklistItem.objects.filter(pk=item.pk).update(status="in_progress")
    item.refresh_from_db()
    item = _finish(item, DONE, staff_user)
    assert item.completed_by == staff_user and item.completed_at > stale


def test_a_finished_item_without_a_finish_time_gets_one(start, court, staff_user):
    """An item finished outside the service (an import, a data fix) has no finish
    time: the next finished status records it."""
    item = start(court).items.get(order=4)
    ChecklistItem.objects.filter(pk=item.pk).update(status=DONE)
    item.refresh_from_db()
    item = _finish(item, NA, staff_user, reason="Not needed after all")
    assert item.completed_by == staff_user and item.completed_at is not None


def test_not_applicable_needs_a_justification(start, court, court_lead):
    item = start(court).items.get(order=15)
    with pytest.raises(ValidationError) as exc:
        _finish(item, NA, court_lead)
    assert "justification" in exc.value.message_dict["reason"][0]
    item = _finish(item, NA, court_lead, reason="Scanning done by the SO")
    assert item.na_justification == "Scanning done by the SO"
    assert item.na_justified_by == "court"
    assert item.completed_by == court_lead and item.completed_at is not None


def test_done_is_refused_while_a_dependency_is_open_and_names_it(
    start, court, staff_user
):
    onboarding = start(court)
    item = onboarding.items.get(order=26)
    with pytest.raises(ValidationError) as exc:
        _finish(item, DONE, staff_user)
    message = exc.value.message_dict["status"][0]
    assert "14. CCTC connectivity verified end to end" in message
    assert "21. Court profile and user roster" in message
    assert "24. Test Plan issued" in message
    item.refresh_from_db()
    assert item.status == "not_started"


def test_done_is_allowed_once_dependencies_are_done_or_not_applicable(
    start, court, staff_user
):
    onboarding = start(court)
    _finish(onboarding.items.get(order=11), DONE, staff_user)
    _finish(onboarding.items.get(order=14), DONE, staff_user)
    _finish(onboarding.items.get(order=21), DONE, staff_user)
    _finish(onboarding.items.get(order=24), NA, staff_user, reason="Reused plan")
    item = _finish(onboarding.items.get(order=26), DONE, staff_user)
    assert item.status == DONE


def test_done_sets_completed_at_and_by_and_reopening_clears_them(
    start, court, staff_user
):
    item = start(court).items.get(order=1)
    item = _finish(item, DONE, staff_user)
    assert item.completed_by == staff_user and item.completed_at is not None
    item = _finish(item, "in_progress", staff_user)
    assert item.completed_by is None and item.completed_at is None


def test_stale_version_raises_a_conflict_and_changes_nothing(start, court, staff_user):
    item = start(court).items.get(order=1)
    first_read = item.version
    services.item_set_status(
        item=item, status="in_progress", by=staff_user, expected_version=first_read
    )
    with pytest.raises(services.StaleEditError) as exc:
        services.item_set_status(
            item=item,
            status=BLOCKED,
            by=staff_user,
            expected_version=first_read,
            reason="x",
        )
    assert exc.value.current.status == "in_progress"
    assert "changed by someone else" in str(exc.value)
    item.refresh_from_db()
    assert item.status == "in_progress" and item.version == first_read + 1


def test_set_status_keeps_a_note_and_records_history(start, court, staff_user):
    item = start(court).items.get(order=1)
    item = services.item_set_status(
        item=item,
        status="in_progress",
        by=staff_user,
        expected_version=item.version,
        note="Booked for the March forum",
    )
    assert item.note == "Booked for the March forum"
    latest = item.history.first()
    assert latest.status == "in_progress" and latest.history_user == staff_user


def test_a_status_change_without_a_note_keeps_the_note(start, court, staff_user):
    item = start(court).items.get(order=1)
    item = services.item_set_status(
        item=item,
        status="in_progress",
        by=staff_user,
        expected_version=item.version,
        note="  Booked for the March forum ",
    )
    item = _finish(item, DONE, staff_user)
    assert item.note == "Booked for the March forum"


def test_unknown_status_is_refused(start, court, staff_user):
    item = start(court).items.get(order=1)
    with pytest.raises(ValidationError, match="is not a status"):
        _finish(item, "finished", staff_user)


def test_item_update_details_bumps_the_version(start, court, staff_user):
    item = start(court).items.get(order=1)
    item.due_date = TODAY + datetime.timedelta(days=3)
    services.item_update_details(item=item, by=staff_user, fields=["due_date"])
    item.refresh_from_db()
    assert item.due_date == TODAY + days(3) and item.version == 2
    with pytest.raises(ValidationError):
        services.item_update_details(item=item, by=staff_user, fields=["status"])


# --- evidence required --------------------------------------------------------------


def test_done_and_verify_need_the_document_of_an_evidence_required_item(
    start, court, staff_user
):
    item = start(court).items.get(order=3)  # "Participation letter sent", evidence
    assert item.evidence_required
    with pytest.raises(ValidationError) as info:
        _finish_without_document(item, staff_user)
    assert info.value.message_dict == {
        "status": [
            "“Participation letter sent to the court” needs evidence: upload its "
            "document before it can be marked done."
        ]
    }
    item.refresh_from_db()
    assert item.status == "not_started" and item.completed_at is None
    attach_evidence(item, by=staff_user)
    item = _finish_without_document(item, staff_user)
    item.evidence.all().delete()
    with pytest.raises(ValidationError, match="before it can be verified"):
        services.item_verify(item=item, by=staff_user, expected_version=item.version)
    item.refresh_from_db()
    assert item.verified_at is None


def _finish_without_document(item, by):
    return services.item_set_status(
        item=item, status=DONE, by=by, expected_version=item.version
    )

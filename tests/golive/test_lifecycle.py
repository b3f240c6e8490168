"""The lifecycle through the services: every guard, each refusal and its message,
nothing changed by a refusal, and every transition recorded."""

import pytest
from django.core.exceptions import ValidationError

from checklists import services as checklists
from checklists.models import ChecklistItem, Onboarding
from collaboration import services as collaboration_services
from collaboration.models import Evidence
from golive import services
from golive.models import GoNoGoDecision, Transition
from golive.selectors import lifecycle_history, live_readiness_for
from tests.conftest import TODAY
from tests.factories import CourtFactory, attach_evidence, days

pytestmark = pytest.mark.django_db

ACTIVE, LIVE, CLOSED, CANCELLED = "active", "live", "closed", "cancelled"


def refusal(call) -> services.TransitionRefused:
    with pytest.raises(services.TransitionRefused) as info:
        call()
    return info.value


def unchanged(onboarding, status: str) -> None:
    onboarding.refresh_from_db()
    assert onboarding.status == status
    assert not Transition.objects.filter(onboarding=onboarding).exists()


# --- Mark live: the readiness gate ------------------------------------------------


def test_mark_live_on_a_fresh_onboarding_lists_every_blocker_and_changes_nothing(
    start, court, staff_user
):
    onboarding = start(court, go_live_in=20)
    exc = refusal(
        lambda: services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    )
    messages = exc.messages
    gates = onboarding.items.filter(is_readiness_gate=True).order_by("order")
    # One line per unfinished gate, naming it and its state (and what it waits
    # for, if anything open)...
    for gate in gates:
        state = f"Readiness gate {gate.order}. {gate.title} is not started"
        assert any(m.startswith(state) for m in messages), state
    # ...then the acceptance sign-offs, then the decision.
    assert (
        "The acceptance testing sign-off of the court executive officer is missing."
        in messages
    )
    assert (
        "The acceptance testing sign-off of the sheriff's office liaison is missing."
        in messages
    )
    assert "The acceptance testing sign-off of the CCPOR Team is missing." in messages
    assert "No go/no-go decision has been recorded." in messages
    assert len(messages) == gates.count() + 3 + 1
    # Each blocker links to the page that fixes it.
    urls = {b.url for b in exc.blockers}
    assert f"/courts/{court.slug}/items/{gates[0].pk}/" in urls
    assert f"/courts/{court.slug}/go-live/sign-offs/" in urls
    assert f"/courts/{court.slug}/go-live/decision/" in urls
    unchanged(onboarding, ACTIVE)


def test_mark_live_succeeds_when_ready_and_records_the_transition(
    start, court, make_ready, staff_user
):
    onboarding = make_ready(start(court, go_live_in=20))
    assert live_readiness_for([onboarding])[onboarding.pk].ready
    services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    onboarding.refresh_from_db()
    assert onboarding.status == LIVE and onboarding.status_changed_at is not None
    transition = Transition.objects.get(onboarding=onboarding)
    assert (transition.kind, transition.from_status, transition.to_status) == (
        "mark_live",
        ACTIVE,
        LIVE,
    )
    assert transition.by == staff_user and transition.at is not None
    # The onboarding's own history (django-simple-history) says so too.
    assert onboarding.history.first().history_change_reason == "Marked live"


def test_a_gate_na_without_justification_blocks(start, court, make_ready, staff_user):
    onboarding = make_ready(start(court, go_live_in=20))
    # Data written before N/A needed a justification (the service insists now).
    onboarding.items.filter(order=15).update(
        status="na", na_justification=" ", na_justified_by="court"
    )
    exc = refusal(
        lambda: services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    )
    assert exc.messages == [
        "Readiness gate 15. Scanners installed and configured is N/A without a "
        "justification."
    ]
    onboarding.items.filter(order=15).update(na_justification="Scanning by the SO")
    services.onboarding_mark_live(onboarding=onboarding, by=staff_user)


def test_a_done_item_whose_document_was_removed_blocks_once(
    start, court, make_ready, staff_user
):
    """Evidence-required and done, but its document deleted (admin): a gate or not,
    it is named once, as missing its document."""
    onboarding = make_ready(start(court, go_live_in=20))
    gate = onboarding.items.get(order=30)  # a gate, evidence required
    other = onboarding.items.get(order=21)  # not a gate, evidence required
    Evidence.objects.filter(item__in=[gate, other]).delete()
    exc = refusal(
        lambda: services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    )
    assert exc.messages == [
        f"21. {other.title} is done but has no document (evidence required).",
        f"30. {gate.title} is done but has no document (evidence required).",
    ]
    readiness = live_readiness_for([onboarding])[onboarding.pk]
    assert readiness.gates_done == readiness.gates_total - 1


@pytest.mark.parametrize(
    ("decision", "reason", "expected"),
    [
        ("no_go", "Scanners not delivered", "is no-go: Scanners not delivered"),
        ("postpone", "Training moved", "postponed Go-Live; no go decision"),
    ],
)
def test_the_latest_decision_must_be_go(
    start, court, make_ready, staff_user, decision, reason, expected
):
    onboarding = make_ready(start(court, go_live_in=20))
    services.go_no_go_record(
        onboarding=onboarding,
        by=staff_user,
        decision=decision,
        reason=reason,
        new_go_live_date=TODAY + days(40) if decision == "postpone" else None,
        today=TODAY,
    )
    exc = refusal(
        lambda: services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    )
    [message] = exc.messages
    assert expected in message
    services.go_no_go_record(onboarding=onboarding, by=staff_user, decision="go")
    services.onboarding_mark_live(onboarding=onboarding, by=staff_user)


def test_a_go_for_another_date_must_be_decided_again(
    start, court, make_ready, staff_user
):
    onboarding = make_ready(start(court, go_live_in=20))
    checklists.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=TODAY + days(27),
        reason="County holiday",
        by=staff_user,
        today=TODAY,
    )
    exc = refusal(
        lambda: services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    )
    [message] = exc.messages
    assert "was for Go-Live on" in message and "decide again" in message


def test_only_ccpor_staff_mark_live(start, court, make_ready, court_lead, court_eo):
    onboarding = make_ready(start(court, go_live_in=20))
    for person in (court_lead, court_eo):
        with pytest.raises(ValidationError, match="Only the CCPOR Team moves"):
            services.onboarding_mark_live(onboarding=onboarding, by=person)
    unchanged(onboarding, ACTIVE)


def test_mark_live_twice_is_refused_with_the_status(live, staff_user):
    with pytest.raises(
        ValidationError,
        match="Only an active onboarding can be marked live; this one is live.",
    ):
        services.onboarding_mark_live(onboarding=live, by=staff_user)
    assert Transition.objects.filter(onboarding=live).count() == 1


# --- Undo a mistaken "live" -------------------------------------------------------


def test_undo_live_goes_back_to_active_with_a_reason(live, staff_user):
    with pytest.raises(ValidationError) as info:
        services.onboarding_undo_live(onboarding=live, by=staff_user, reason="  ")
    assert info.value.message_dict == {
        "reason": ["Say why the onboarding goes back to active; the reason is kept."]
    }
    services.onboarding_undo_live(
        onboarding=live, by=staff_user, reason="Marked live a day early."
    )
    live.refresh_from_db()
    assert live.status == ACTIVE
    undo = Transition.objects.filter(onboarding=live).last()
    assert (undo.kind, undo.from_status, undo.to_status, undo.reason) == (
        "undo_live",
        LIVE,
        ACTIVE,
        "Marked live a day early.",
    )
    # Back to active, it can be marked live again (the go still holds).
    services.onboarding_mark_live(onboarding=live, by=staff_user)


def test_undo_live_is_refused_after_close_out_and_for_members(
    live, make_closable, staff_user, court_lead
):
    with pytest.raises(ValidationError, match="Only the CCPOR Team"):
        services.onboarding_undo_live(onboarding=live, by=court_lead, reason="Oops")
    services.onboarding_close(onboarding=make_closable(live), by=staff_user)
    with pytest.raises(
        ValidationError,
        match="Only a live onboarding can go back to active; this one is closed.",
    ):
        services.onboarding_undo_live(onboarding=live, by=staff_user, reason="Oops")


# --- Close-out ---------------------------------------------------------------------


def test_close_lists_open_items_serious_incidents_and_sign_offs(
    live, staff_user, court_lead
):
    p1 = services.incident_report(
        onboarding=live,
        by=court_lead,
        title="Orders cannot be entered",
        description="Every save fails.",
        severity="P1",
        category="carpos",
    )
    services.incident_report(
        onboarding=live,
        by=court_lead,
        title="A label is misspelt",
        description="Cosmetic.",
        severity="P4",
        category="other",
    )
    exc = refusal(lambda: services.onboarding_close(onboarding=live, by=staff_user))
    open_items = live.items.open().order_by("order")
    assert [b.kind for b in exc.blockers] == (
        ["item"] * open_items.count() + ["incident"] + ["sign_off"] * 3
    )
    assert f"{open_items[0].order}. {open_items[0].title} is not started." in (
        exc.messages
    )
    assert f"Incident #{p1.pk} (P1) “Orders cannot be entered” is open." in (
        exc.messages
    )
    assert "The close-out sign-off of the court executive officer is missing." in (
        exc.messages
    )
    # The P4 does not block the close-out.
    assert not any("misspelt" in m for m in exc.messages)
    live.refresh_from_db()
    assert live.status == LIVE


def test_close_succeeds_once_everything_is_finished_signed_and_no_p1_p2_is_open(
    live, make_closable, staff_user, court_lead
):
    incident = services.incident_report(
        onboarding=live,
        by=court_lead,
        title="Slow searches",
        description="Searches take a minute.",
        severity="P2",
        category="connectivity",
    )
    make_closable(live)
    exc = refusal(lambda: services.onboarding_close(onboarding=live, by=staff_user))
    assert [b.kind for b in exc.blockers] == ["incident"]
    services.incident_update(
        incident=incident,
        by=staff_user,
        status="resolved",
        owner=None,
        severity="P2",
        resolution="Circuit upgraded.",
    )
    services.onboarding_close(onboarding=live, by=staff_user)
    live.refresh_from_db()
    assert live.status == CLOSED
    assert Transition.objects.filter(onboarding=live).last().kind == "close"


def test_a_closed_onboarding_is_read_only_for_everyone(
    live, make_closable, staff_user, court_lead
):
    services.onboarding_close(onboarding=make_closable(live), by=staff_user)
    item = live.items.get(order=11)
    item.refresh_from_db()
    for person in (staff_user, court_lead):
        with pytest.raises(ValidationError, match="closed: it is read-only history"):
            checklists.item_set_status(
                item=item,
                status="in_progress",
                by=person,
                expected_version=item.version,
            )
        with pytest.raises(ValidationError, match="read-only"):
            collaboration_services.comment_add(
                item=item, body="One more thing", by=person
            )
        with pytest.raises(ValidationError, match="read-only"):
            attach_evidence(item, by=person)
    with pytest.raises(ValidationError, match="read-only"):
        checklists.item_reopen(
            item=item, by=staff_user, expected_version=item.version, reason="x"
        )
    with pytest.raises(ValidationError, match="read-only"):
        item.title = "Renamed"
        checklists.item_update_details(item=item, by=staff_user, fields=["title"])
    with pytest.raises(ValidationError, match="read-only"):
        checklists.item_add(
            item=ChecklistItem(
                onboarding=live,
                phase=item.phase,
                order=99,
                title="Extra",
                actor="court",
                kind="activity",
                offset_days=0,
                due_date=TODAY,
            ),
            by=staff_user,
        )
    item.refresh_from_db()
    assert item.status == "done" and item.title != "Renamed"


# --- Cancel and reopen -------------------------------------------------------------


def test_cancel_needs_a_reason_and_an_active_onboarding(start, court, staff_user, live):
    onboarding = start(CourtFactory(), go_live_in=90)
    with pytest.raises(ValidationError, match="Say why the onboarding is cancelled"):
        services.onboarding_cancel(onboarding=onboarding, by=staff_user, reason="")
    services.onboarding_cancel(
        onboarding=onboarding, by=staff_user, reason="Court withdrew"
    )
    onboarding.refresh_from_db()
    assert onboarding.status == CANCELLED
    with pytest.raises(
        ValidationError,
        match="Only an active onboarding can be cancelled; this one is live.",
    ):
        services.onboarding_cancel(onboarding=live, by=staff_user, reason="x")


def test_reopen_a_closed_onboarding_makes_it_live_and_writable_again(
    live, make_closable, staff_user
):
    services.onboarding_close(onboarding=make_closable(live), by=staff_user)
    with pytest.raises(ValidationError, match="Say why the onboarding is reopened"):
        services.onboarding_reopen(onboarding=live, by=staff_user, reason="")
    services.onboarding_reopen(
        onboarding=live, by=staff_user, reason="Close-out letter unsigned"
    )
    live.refresh_from_db()
    assert live.status == LIVE and not live.read_only_reason
    item = live.items.get(order=36)
    checklists.item_reopen(
        item=item, by=staff_user, expected_version=item.version, reason="Unsigned"
    )


def test_reopen_a_cancelled_onboarding_unless_the_court_started_another(
    start, court, staff_user
):
    first = start(court, go_live_in=90)
    services.onboarding_cancel(onboarding=first, by=staff_user, reason="Paused")
    services.onboarding_reopen(onboarding=first, by=staff_user, reason="Resumed")
    first.refresh_from_db()
    assert first.status == ACTIVE
    services.onboarding_cancel(onboarding=first, by=staff_user, reason="Paused again")
    second = start(court, go_live_in=120)
    exc = refusal(
        lambda: services.onboarding_reopen(
            onboarding=first, by=staff_user, reason="Resumed"
        )
    )
    assert "already has an open onboarding" in exc.messages[0]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (CANCELLED, ACTIVE)


def test_reopen_refuses_an_open_onboarding(start, court, staff_user):
    onboarding = start(court)
    with pytest.raises(
        ValidationError,
        match="Only a closed or cancelled onboarding can be reopened; this one is "
        "active.",
    ):
        services.onboarding_reopen(onboarding=onboarding, by=staff_user, reason="x")


# --- The history ---------------------------------------------------------------------


def test_lifecycle_history_lists_the_start_decisions_and_every_transition(
    live, make_closable, staff_user
):
    services.onboarding_undo_live(onboarding=live, by=staff_user, reason="Too early")
    services.onboarding_mark_live(onboarding=live, by=staff_user)
    services.onboarding_close(onboarding=make_closable(live), by=staff_user)
    services.onboarding_reopen(onboarding=live, by=staff_user, reason="Letter")
    lines = lifecycle_history(Onboarding.objects.get(pk=live.pk))
    assert [(line.kind, line.from_status, line.to_status) for line in lines] == [
        ("started", "", ACTIVE),
        ("decision", "", ""),
        ("mark_live", ACTIVE, LIVE),
        ("undo_live", LIVE, ACTIVE),
        ("mark_live", ACTIVE, LIVE),
        ("close", LIVE, CLOSED),
        ("reopen", CLOSED, LIVE),
    ]
    assert lines[0].who == staff_user
    assert lines[3].reason == "Too early" and lines[3].who == staff_user
    assert [line.at for line in lines] == sorted(line.at for line in lines)


# --- Go/no-go ----------------------------------------------------------------------


def test_go_no_go_keeps_the_readiness_snapshot_and_its_rules(start, court, staff_user):
    onboarding = start(court, go_live_in=20)
    with pytest.raises(ValidationError) as info:
        services.go_no_go_record(onboarding=onboarding, by=staff_user, decision="no_go")
    assert "reason" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.go_no_go_record(
            onboarding=onboarding, by=staff_user, decision="postpone", reason="x"
        )
    assert info.value.message_dict == {
        "new_go_live_date": ["Give the new Go-Live date."]
    }
    record = services.go_no_go_record(
        onboarding=onboarding,
        by=staff_user,
        decision="no_go",
        reason="Scanners not delivered",
    )
    snapshot = record.readiness
    assert snapshot["gates"]["done"] == 0
    assert (
        snapshot["gates"]["total"]
        == onboarding.items.filter(is_readiness_gate=True).count()
    )
    assert snapshot["sign_offs"] == {
        "given": 0,
        "needed": 3,
        "asked": 0,
        "roles": {"executive_officer": None, "so_liaison": None, "ccpor": None},
    }
    assert "No go/no-go decision has been recorded." in snapshot["blockers"]
    assert record.go_live_date == onboarding.go_live_date
    assert record.decided_by == staff_user


def test_postponing_goes_through_the_reschedule(start, court, staff_user):
    onboarding = start(court, go_live_in=20)
    before = dict(onboarding.items.values_list("order", "due_date"))
    record = services.go_no_go_record(
        onboarding=onboarding,
        by=staff_user,
        decision="postpone",
        reason="Training room unavailable",
        new_go_live_date=TODAY + days(34),
        today=TODAY,
    )
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == TODAY + days(34)
    change = record.go_live_change
    assert change.old_date == TODAY + days(20) and change.new_date == TODAY + days(34)
    assert change.reason == (
        "Postponed at the go/no-go meeting: Training room unavailable"
    )
    after = dict(onboarding.items.values_list("order", "due_date"))
    assert all(after[o] == before[o] + days(14) for o in before)


def test_postponing_to_a_past_date_changes_nothing(start, court, staff_user):
    onboarding = start(court, go_live_in=20)
    with pytest.raises(ValidationError) as info:
        services.go_no_go_record(
            onboarding=onboarding,
            by=staff_user,
            decision="postpone",
            reason="x",
            new_go_live_date=TODAY - days(1),
            today=TODAY,
        )
    assert "is in the past" in info.value.message_dict["new_go_live_date"][0]
    assert not GoNoGoDecision.objects.exists()
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == TODAY + days(20)


def test_go_no_go_is_for_staff_and_active_onboardings(live, court_lead, staff_user):
    with pytest.raises(ValidationError, match="Only the CCPOR Team records"):
        services.go_no_go_record(onboarding=live, by=court_lead, decision="go")
    with pytest.raises(ValidationError, match="this one is live"):
        services.go_no_go_record(onboarding=live, by=staff_user, decision="go")


def test_below_golive_only_the_start_sets_a_status():
    """checklists has no status service any more: the lifecycle is golive's."""
    assert not hasattr(checklists, "onboarding_set_status")
    assert not hasattr(checklists, "onboarding_set_status_validate")

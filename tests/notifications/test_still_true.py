"""A notification is checked against the current state when it is sent: "item 26 is
blocked" is not mailed once it is done, "please sign" once the line is signed, an
assignment once someone else owns the item, a Go-Live move once it has moved again;
each row is recorded as skipped with the reason. Those still true are mailed."""

import pytest
from django.core import mail

from checklists import services as checklists_services
from golive import services as golive_services
from golive.models import SignOffKind, SignOffRole
from notifications.models import Kind, Notification
from reminders.models import SendStatus
from tests.conftest import TODAY
from tests.factories import MembershipFactory, days

pytestmark = pytest.mark.django_db


def mailed_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to]


def test_blocked_then_done_before_the_batch_is_not_mailed(
    start, court, court_lead, staff_user, send_now
):
    item = start(court).items.get(order=11)
    item = checklists_services.item_set_status(
        item=item,
        status="blocked",
        reason="Waiting on the county",
        by=staff_user,
        expected_version=item.version,
    )
    checklists_services.item_set_status(
        item=item, status="done", by=staff_user, expected_version=item.version
    )
    send_now()
    row = Notification.objects.get(kind=Kind.ITEM_BLOCKED, recipient=court_lead)
    assert (row.status, row.error) == (
        SendStatus.SKIPPED,
        "What it said is no longer true.",
    )
    assert not [m for m in mailed_to(court_lead) if "is blocked" in m.subject]


def test_still_blocked_is_mailed(start, court, court_lead, staff_user, send_now):
    item = start(court).items.get(order=11)
    checklists_services.item_set_status(
        item=item,
        status="blocked",
        reason="Waiting on the county",
        by=staff_user,
        expected_version=item.version,
    )
    send_now()
    assert [m for m in mailed_to(court_lead) if "is blocked" in m.subject]


def test_please_sign_is_not_mailed_after_she_signed(start, court, court_lead, send_now):
    eo = MembershipFactory(
        court=court, role="executive_officer", user__email="eo@example.org"
    ).user
    onboarding = start(court, go_live_in=20)
    golive_services.sign_off_ask(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role=SignOffRole.EXECUTIVE_OFFICER,
        asked=eo,
        by=court_lead,
        message="Please sign.",
    )
    golive_services.sign_off_give(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role=SignOffRole.EXECUTIVE_OFFICER,
        by=eo,
        statement="Accepted.",
    )
    send_now()
    row = Notification.objects.get(kind=Kind.SIGNOFF_ASKED, recipient=eo)
    assert (row.status, row.error) == (
        SendStatus.SKIPPED,
        "The sign-off it asked for has been given.",
    )
    assert mailed_to(eo) == []


def test_a_go_live_moved_again_sends_only_the_latest_move(
    start, court, court_lead, staff_user, send_now
):
    onboarding = start(court, go_live_in=60)
    for target in (90, 95):
        checklists_services.onboarding_reschedule(
            onboarding=onboarding,
            go_live_date=TODAY + days(target),
            reason=f"Move to {target}",
            by=staff_user,
            today=TODAY,
        )
        onboarding.refresh_from_db()
    send_now()
    rows = Notification.objects.filter(
        kind=Kind.GO_LIVE_MOVED, recipient=court_lead
    ).order_by("pk")
    assert [r.status for r in rows] == [SendStatus.SKIPPED, SendStatus.SENT]
    moves = [m for m in mailed_to(court_lead) if "Go-Live moved" in m.subject]
    assert len(moves) == 1 and "Go-Live moved to" in moves[0].subject

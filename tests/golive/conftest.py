"""The Go-Live cast and stages: a court's executive officer beside its project lead
and SO liaison, and onboardings brought to each gate through the services."""

import pytest

from checklists import services as checklists
from golive import services, tasks
from golive.models import GoNoGoDecision, SignOffKind, SignOffRole
from tests.factories import MembershipFactory, attach_evidence


def queued(callbacks) -> list:
    """The Celery tasks (with their arguments) queued on commit, from the callbacks
    captured by `django_capture_on_commit_callbacks`."""
    return [
        (c.args[0], c.args[1:])
        for c in callbacks
        if getattr(c, "func", None) is tasks._enqueue
    ]


@pytest.fixture
def court_eo(court):
    """The court's executive officer."""
    return MembershipFactory(
        court=court, user__username="eo-a", role="executive_officer"
    ).user


def finish(onboarding, *, by, up_to: int | None = None):
    """Mark done, in checklist order, every open item (up to order `up_to`), each
    evidence-required one with its document first."""
    items = onboarding.items.open().order_by("order")
    if up_to is not None:
        items = items.filter(order__lte=up_to)
    for item in items:
        if item.evidence_required and not item.evidence.exists():
            attach_evidence(item, by=by)
        checklists.item_set_status(
            item=item, status="done", by=by, expected_version=item.version
        )


def sign_all(onboarding, kind, *, eo, liaison, staff):
    """Every sign-off of `kind` the onboarding needs, the CCPOR Team last."""
    signers = {SignOffRole.EXECUTIVE_OFFICER: eo, SignOffRole.CCPOR: staff}
    if onboarding.so_participates:
        signers[SignOffRole.SO_LIAISON] = liaison
    for role in (
        SignOffRole.EXECUTIVE_OFFICER,
        SignOffRole.SO_LIAISON,
        SignOffRole.CCPOR,
    ):
        if role in signers:
            services.sign_off_give(
                onboarding=onboarding,
                kind=kind,
                role=role,
                by=signers[role],
                statement=f"Signed for {role}.",
            )


@pytest.fixture
def make_ready(court_eo, court_liaison, staff_user):
    """Bring an active onboarding to the point where it may go live: every item
    before Go-Live done (gates included, documents uploaded), the acceptance signed,
    a "go" recorded."""

    def _make_ready(onboarding):
        finish(onboarding, by=staff_user, up_to=31)
        sign_all(
            onboarding,
            SignOffKind.ACCEPTANCE,
            eo=court_eo,
            liaison=court_liaison,
            staff=staff_user,
        )
        services.go_no_go_record(
            onboarding=onboarding, by=staff_user, decision=GoNoGoDecision.Decision.GO
        )
        return onboarding

    return _make_ready


@pytest.fixture
def live(start, court, make_ready, staff_user):
    """Court A, live (through the gate), Go-Live 20 days from TODAY."""
    onboarding = make_ready(start(court, go_live_in=20))
    return services.onboarding_mark_live(onboarding=onboarding, by=staff_user)


@pytest.fixture
def make_closable(court_eo, court_liaison, staff_user):
    """Bring a live onboarding to the point where it may be closed."""

    def _make_closable(onboarding):
        finish(onboarding, by=staff_user)
        sign_all(
            onboarding,
            SignOffKind.CLOSE_OUT,
            eo=court_eo,
            liaison=court_liaison,
            staff=staff_user,
        )
        return onboarding

    return _make_closable

"""Helpers that bring an onboarding to a stage through the services, and read what
was queued on commit; used by the Go-Live tests and the browser journeys."""

from checklists import services as checklists
from golive import services, tasks
from golive.models import SignOffRole
from tests.factories import attach_evidence


def queued(callbacks) -> list:
    """The Celery tasks (with their arguments) queued on commit, from the callbacks
    captured by `django_capture_on_commit_callbacks`."""
    return [
        (c.args[0], c.args[1:])
        for c in callbacks
        if getattr(c, "func", None) is tasks._enqueue
    ]


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

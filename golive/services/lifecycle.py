"""The onboarding's lifecycle after its start. Every change of an onboarding's
status comes through here; each is guarded, atomic and recorded (a `Transition`:
who, when, from, to, why). A refused change raises ValidationError naming what
blocks, and changes nothing.

The lifecycle: not started → active (`checklists.services.onboarding_start`) → live
(`onboarding_mark_live`) → closed (`onboarding_close`). Exceptions: active →
cancelled (`onboarding_cancel`); live → active to undo a mistaken "live"
(`onboarding_undo_live`); closed → live and cancelled → active (`onboarding_reopen`).
Undo, cancel and reopen need a reason; all are for CCPOR staff.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ccpor_onboard.lib.bounds import validate_values
from ccpor_onboard.lib.dates import today_in_california
from checklists.limits import history_reason
from checklists.models import Onboarding

from .. import signals
from ..access import (
    can_run_lifecycle,
)
from ..models import (
    Transition,
)
from ..readiness import Blocker
from ..selectors import close_readiness_for, live_readiness_for

Status = Onboarding.Status
STATEMENT_MAX = 1000
# The actual Go-Live date each transition sets: today when marked live, none again
# when that is undone (a close or a reopen keeps it).
WENT_LIVE_ON = {
    Transition.Kind.MARK_LIVE: today_in_california,
    Transition.Kind.UNDO_LIVE: lambda: None,
}


STAFF_ONLY = "Only the CCPOR Team moves an onboarding through its lifecycle."


class TransitionRefused(ValidationError):
    """A transition refused by its gate: the messages name every blocker, and
    `blockers` keeps them with the page that fixes each one."""

    def __init__(self, blockers: list[Blocker]):
        super().__init__([b.message for b in blockers], code="blocked")
        self.blockers = blockers


def _required_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Say why {what}; the reason is kept."})
    validate_values(Transition, reason=reason)
    return reason


def _lock(onboarding: Onboarding) -> Onboarding:
    return (
        Onboarding.objects.select_for_update(of=("self",))
        .select_related("court")
        .get(pk=onboarding.pk)
    )


def _wrong_status(onboarding: Onboarding, what: str) -> ValidationError:
    return ValidationError(
        f"Only {what}; this one is {onboarding.get_status_display().lower()}."
    )


def _refusal(
    onboarding: Onboarding,
    allowed_from: dict[str, str],
    wrong_status: str,
    gate: Callable[[Onboarding], list[Blocker]] | None,
) -> ValidationError | None:
    """Why the onboarding, as read, may not make this transition, or None."""
    if onboarding.status not in allowed_from:
        return _wrong_status(onboarding, wrong_status)
    blockers = gate(onboarding) if gate is not None else []
    return TransitionRefused(blockers) if blockers else None


def _transition(
    *,
    onboarding: Onboarding,
    by,
    kind: str,
    allowed_from: dict[str, str],
    wrong_status: str,
    reason: str = "",
    gate: Callable[[Onboarding], list[Blocker]] | None = None,
) -> Onboarding:
    """Move the onboarding from one of `allowed_from` (status → new status), once
    `gate` finds nothing blocking; record the transition. All or nothing."""
    if not can_run_lifecycle(by):
        raise ValidationError(STAFF_ONLY)
    try:
        with transaction.atomic():
            locked = _lock(onboarding)
            refusal = _refusal(locked, allowed_from, wrong_status, gate)
            if refusal is not None:
                raise refusal
            from_status, now = locked.status, timezone.now()
            locked.status = allowed_from[from_status]
            locked.status_changed_at = now
            if kind in WENT_LIVE_ON:
                locked.went_live_on = WENT_LIVE_ON[kind]()
            locked.version += 1  # a stale admin form of it is refused
            locked._change_reason = history_reason(
                f"{Transition.Kind(kind).label}: {reason}".strip(": ")
            )
            locked._history_user = by
            locked.save(
                update_fields=[
                    "status",
                    "status_changed_at",
                    "went_live_on",
                    "version",
                    "updated_at",
                ]
            )
            transition = Transition.objects.create(
                onboarding=locked,
                kind=kind,
                from_status=from_status,
                to_status=locked.status,
                reason=reason,
                by=by,
                at=now,
            )
            signals.onboarding_transitioned.send(
                sender=Transition, onboarding=locked, transition=transition, by=by
            )
    except IntegrityError as exc:
        # Only a reopen can break the database's one-open-onboarding rule (two
        # reopens racing past `_reopen_gate`).
        if kind != Transition.Kind.REOPEN:
            raise
        raise ValidationError(
            f"{onboarding.court} already has an open onboarding; it cannot have two."
        ) from exc
    onboarding.status = locked.status
    onboarding.status_changed_at = locked.status_changed_at
    onboarding.went_live_on = locked.went_live_on
    onboarding.version = locked.version
    return locked


def _live_gate(onboarding: Onboarding) -> list[Blocker]:
    return live_readiness_for([onboarding])[onboarding.pk].blockers


def _close_gate(onboarding: Onboarding) -> list[Blocker]:
    return close_readiness_for([onboarding])[onboarding.pk].blockers


# The gated transitions: the statuses they leave (and reach), and what blocks them.
_GATED = {
    Transition.Kind.MARK_LIVE: (
        {Status.ACTIVE: Status.LIVE},
        "an active onboarding can be marked live",
        _live_gate,
    ),
    Transition.Kind.CLOSE: (
        {Status.LIVE: Status.CLOSED},
        "a live onboarding can be closed",
        _close_gate,
    ),
}


def onboarding_gate_refusal(
    *, onboarding: Onboarding, by, kind: str
) -> ValidationError | None:
    """Why marking the onboarding live (`kind` "mark_live") or closing it ("close")
    would be refused now, as the transition itself would say it (TransitionRefused
    with every blocker, or the wrong status, or who may), or None. Changes nothing:
    for pages that show the action as unavailable, or answer a request not yet
    confirmed, with the transition's own reasons."""
    if not can_run_lifecycle(by):
        return ValidationError(STAFF_ONLY)
    return _refusal(onboarding, *_GATED[kind])


def onboarding_mark_live(*, onboarding: Onboarding, by) -> Onboarding:
    """Active → live, only when every readiness gate is done or N/A (justified),
    every evidence-required item done has its document, the acceptance sign-offs
    are recorded and the latest go/no-go decision is "go" for the current Go-Live
    date. Otherwise TransitionRefused lists every blocker."""
    allowed_from, wrong_status, gate = _GATED[Transition.Kind.MARK_LIVE]
    return _transition(
        onboarding=onboarding,
        by=by,
        kind=Transition.Kind.MARK_LIVE,
        allowed_from=allowed_from,
        wrong_status=wrong_status,
        gate=gate,
    )


def onboarding_undo_live(*, onboarding: Onboarding, by, reason: str) -> Onboarding:
    """Live → active, to undo a mistaken "live" (until close-out), with a reason."""
    reason = _required_reason(reason, "the onboarding goes back to active")
    return _transition(
        onboarding=onboarding,
        by=by,
        kind=Transition.Kind.UNDO_LIVE,
        allowed_from={Status.LIVE: Status.ACTIVE},
        wrong_status="a live onboarding can go back to active",
        reason=reason,
    )


def onboarding_close(*, onboarding: Onboarding, by) -> Onboarding:
    """Live → closed, only when every item is done (with its document where evidence
    is required) or N/A, no P1 or P2 incident is unresolved and the close-out
    sign-offs are recorded. The closed onboarding is read-only history."""
    allowed_from, wrong_status, gate = _GATED[Transition.Kind.CLOSE]
    return _transition(
        onboarding=onboarding,
        by=by,
        kind=Transition.Kind.CLOSE,
        allowed_from=allowed_from,
        wrong_status=wrong_status,
        gate=gate,
    )


def onboarding_cancel(*, onboarding: Onboarding, by, reason: str) -> Onboarding:
    """Active → cancelled, with a reason. The court may then start a new onboarding,
    or CCPOR staff reopen this one."""
    reason = _required_reason(reason, "the onboarding is cancelled")
    return _transition(
        onboarding=onboarding,
        by=by,
        kind=Transition.Kind.CANCEL,
        allowed_from={Status.ACTIVE: Status.CANCELLED},
        wrong_status="an active onboarding can be cancelled",
        reason=reason,
    )


def _reopen_gate(onboarding: Onboarding) -> list[Blocker]:
    other = (
        Onboarding.objects.open()
        .filter(court_id=onboarding.court_id)
        .exclude(pk=onboarding.pk)
        .first()
    )
    if other is None:
        return []
    return [
        Blocker(
            kind="status",
            message=(
                f"{onboarding.court} already has an open onboarding (Go-Live "
                f"{other.go_live_date:%b %-d, %Y}); a court has one at a time."
            ),
        )
    ]


def onboarding_reopen(*, onboarding: Onboarding, by, reason: str) -> Onboarding:
    """Closed → live (the court stays live; the close-out is done again) or
    cancelled → active, with a reason; refused while the court has another open
    onboarding."""
    reason = _required_reason(reason, "the onboarding is reopened")
    return _transition(
        onboarding=onboarding,
        by=by,
        kind=Transition.Kind.REOPEN,
        allowed_from={Status.CLOSED: Status.LIVE, Status.CANCELLED: Status.ACTIVE},
        wrong_status="a closed or cancelled onboarding can be reopened",
        reason=reason,
        gate=_reopen_gate,
    )

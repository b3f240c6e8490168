"""The lifecycle history of an onboarding and its sign-off sections."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import (
    QuerySet,
)

from checklists.models import Onboarding
from courts.access import ccpor_staff_users
from courts.models import Court

from ..models import (
    MEMBERSHIP_FOR_ROLE,
    GoNoGoDecision,
    SignOff,
    SignOffKind,
    SignOffRole,
    sign_off_roles,
)
from ..readiness import sign_off_lines

# --- The lifecycle history ---------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    """One event of an onboarding's lifecycle, as data (the template words it)."""

    at: datetime.datetime
    who: object
    kind: str  # "started", a Transition.Kind, or "decision"
    label: str
    from_status: str = ""
    to_status: str = ""
    reason: str = ""
    decision: GoNoGoDecision | None = None


def lifecycle_history(onboarding: Onboarding) -> list[HistoryLine]:
    """The onboarding's start, every transition and every go/no-go decision, oldest
    first: three queries."""
    started_by = (
        get_user_model().objects.filter(pk=onboarding.started_by_id).first()
        if onboarding.started_by_id
        else None
    )
    lines = [
        HistoryLine(
            at=onboarding.created_at,
            who=started_by,
            kind="started",
            label="Started",
            to_status=Onboarding.Status.ACTIVE,
        )
    ]
    lines += [
        HistoryLine(
            at=t.at,
            who=t.by,
            kind=t.kind,
            label=t.get_kind_display(),
            from_status=t.from_status,
            to_status=t.to_status,
            reason=t.reason,
        )
        for t in onboarding.transitions.select_related("by")
    ]
    lines += [
        HistoryLine(
            at=d.decided_at,
            who=d.decided_by,
            kind="decision",
            label=f"Go/no-go: {d.get_decision_display()}",
            reason=d.reason,
            decision=d,
        )
        for d in onboarding.go_no_go_decisions.select_related("decided_by")
    ]
    lines.sort(key=lambda line: line.at)
    return lines


# --- Sign-offs ----------------------------------------------------------------------


@dataclass
class SignOffSection:
    """One kind of sign-off on the sign-off page: each role's line, who holds the
    role, and every signature ever given (revoked ones included)."""

    kind: str
    lines: list
    history: list[SignOff] = field(default_factory=list)

    @property
    def label(self) -> str:
        return SignOffKind(self.kind).label


def role_holders(court: Court, role: str) -> QuerySet:
    """The active people who hold a sign-off role for a court: its executive
    officer(s), its sheriff's office liaison(s) (never CCPOR staff, as
    `golive.access.holds_role`), or the CCPOR Team."""
    if role == SignOffRole.CCPOR:
        return ccpor_staff_users()
    organisation, member_role = MEMBERSHIP_FOR_ROLE[role]
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__court=court,
            memberships__organisation=organisation,
            memberships__role=member_role,
        )
        .exclude(pk__in=ccpor_staff_users().values("pk"))
    )


def sign_off_sections(onboarding: Onboarding) -> list[SignOffSection]:
    """Acceptance and close-out: three queries."""
    every = list(
        onboarding.sign_offs.select_related("signed_by", "revoked_by").order_by(
            "signed_at", "id"
        )
    )
    requests = list(onboarding.sign_off_requests.select_related("asked", "asked_by"))
    sections = []
    for kind in SignOffKind.values:
        standing = [s for s in every if s.kind == kind and not s.is_revoked]
        sections.append(
            SignOffSection(
                kind=kind,
                lines=sign_off_lines(
                    onboarding, kind, standing=standing, requests=requests
                ),
                history=[s for s in every if s.kind == kind],
            )
        )
    return sections


def holders_by_role(court: Court, onboarding: Onboarding) -> dict[str, list]:
    """Who may sign for each role the onboarding needs (one query per role)."""
    return {
        role: list(role_holders(court, role).order_by("first_name", "username"))
        for role in sign_off_roles(onboarding)
    }

"""What of the Go-Live phase waits on the CCPOR Team, for the top of its dashboard:
serious incidents (from the moment they are reported) and any incident past its
response target, the sign-offs whose turn is the team's, and the go/no-go decisions
the team has to record. Each a bounded list and a count: the same cost at 5,000
courts."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)

from checklists.models import GoLiveChange, Onboarding

from ..models import (
    SIGN_OFF_STATUS,
    GoNoGoDecision,
    Incident,
    SignOff,
    SignOffKind,
    SignOffRole,
    past_target_q,
    unresolved_q,
)


@dataclass(frozen=True)
class Waiting:
    """A bounded list of what waits, and how many there are in all."""

    shown: list
    total: int


def _waiting(queryset: QuerySet, limit: int) -> Waiting:
    """The first `limit` of `queryset` and how many there are, in one query (a
    window count over every row, worked out before the LIMIT)."""
    shown = list(queryset.annotate(waiting_total=Window(Count("pk")))[:limit])
    return Waiting(shown=shown, total=shown[0].waiting_total if shown else 0)


def attention_incidents_q(now: datetime.datetime) -> Q:
    """Unresolved P1 and P2 incidents, whether or not their first response is due
    yet, and incidents of any severity waiting past their response target."""
    return unresolved_q() & (Q(severity__in=Incident.SERIOUS) | past_target_q(now))


def incidents_needing_attention(*, now: datetime.datetime, limit: int) -> Waiting:
    """`attention_incidents_q`, those still without a first response first, the
    soonest (or longest) due first."""
    incidents = (
        Incident.objects.filter(attention_incidents_q(now))
        .select_related("onboarding__court")
        .order_by(
            Case(When(responded_at__isnull=True, then=Value(0)), default=Value(1)),
            "respond_by",
            "pk",
        )
    )
    return _waiting(incidents, limit)


def _standing(kind: str, role: str) -> Exists:
    return Exists(
        SignOff.objects.standing().filter(
            onboarding=OuterRef("pk"), kind=kind, role=role
        )
    )


def _court_side_signed(kind: str) -> Q:
    """The court's executive officer has signed this set, and the sheriff's office
    liaison too where the sheriff's office takes part."""
    return Q(_standing(kind, SignOffRole.EXECUTIVE_OFFICER)) & (
        Q(so_participates=False) | Q(_standing(kind, SignOffRole.SO_LIAISON))
    )


def team_sign_off_q(kind: str) -> Q:
    """Onboardings whose set of `kind` waits only on the CCPOR Team's line (the team
    signs last): the court side has signed, the team has not."""
    return (
        Q(status=SIGN_OFF_STATUS[kind])
        & _court_side_signed(kind)
        & ~Q(_standing(kind, SignOffRole.CCPOR))
    )


def sign_offs_waiting_on_team(*, limit: int) -> Waiting:
    """Onboardings (of active courts) whose acceptance or close-out sign-off waits on
    the CCPOR Team (an active one: acceptance; a live one: close-out), the soonest
    Go-Live first."""
    onboardings = (
        Onboarding.objects.filter(court__is_active=True)
        .filter(
            team_sign_off_q(SignOffKind.ACCEPTANCE)
            | team_sign_off_q(SignOffKind.CLOSE_OUT)
        )
        .select_related("court")
        .order_by("go_live_date", "pk")
    )
    return _waiting(onboardings, limit)


def decision_due_q() -> Q:
    """Active onboardings whose acceptance set is signed (every line, the team's
    last) but with no go/no-go decision standing: none taken since Go-Live last
    moved (a decision holds only until the date moves). Recording it is the
    CCPOR Team's."""
    moved_since = GoLiveChange.objects.filter(
        onboarding_id=OuterRef("onboarding_id"), changed_at__gt=OuterRef("decided_at")
    )
    standing = GoNoGoDecision.objects.filter(onboarding=OuterRef("pk")).exclude(
        Exists(moved_since)
    )
    return (
        Q(status=Onboarding.Status.ACTIVE)
        & _court_side_signed(SignOffKind.ACCEPTANCE)
        & Q(_standing(SignOffKind.ACCEPTANCE, SignOffRole.CCPOR))
        & ~Q(Exists(standing))
    )


def decisions_waiting_on_team(*, limit: int) -> Waiting:
    """`decision_due_q` onboardings of active courts, the soonest Go-Live first."""
    onboardings = (
        Onboarding.objects.filter(court__is_active=True)
        .filter(decision_due_q())
        .select_related("court")
        .order_by("go_live_date", "pk")
    )
    return _waiting(onboardings, limit)


# --- One person's to-dos on a court page (portal.todo) --------------------------------


def sign_offs_asked_of(user, onboarding: Onboarding) -> list:
    """The sign-off requests made to `user` on this onboarding whose line is still
    unsigned and can be signed now (acceptance while active, close-out while live),
    the latest request of each line, with who asked."""
    standing = SignOff.objects.standing().filter(
        onboarding=onboarding, kind=OuterRef("kind"), role=OuterRef("role")
    )
    kinds = [
        kind for kind, status in SIGN_OFF_STATUS.items() if status == onboarding.status
    ]
    requests = (
        onboarding.sign_off_requests.filter(asked=user, kind__in=kinds)
        .exclude(Exists(standing))
        .select_related("asked_by")
        .order_by("kind", "role", "-asked_at", "-pk")
    )
    latest = {}
    for request in requests:
        latest.setdefault((request.kind, request.role), request)
    return list(latest.values())


def team_turn(onboarding: Onboarding) -> list[tuple[str, str]]:
    """What of this onboarding waits on the CCPOR Team: ("sign_off", kind) when the
    court side has signed a set and the team has not, ("decision", "") when the
    go/no-go decision is the team's to record. One query."""
    checks = {
        f"sign_off:{kind}": team_sign_off_q(kind) for kind in SignOffKind.values
    } | {"decision:": decision_due_q()}
    found = Onboarding.objects.filter(pk=onboarding.pk).aggregate(
        **{name: Count("pk", filter=q) for name, q in checks.items()}
    )
    return [tuple(name.split(":")) for name, n in found.items() if n]


def incidents_awaiting(user, incidents, *, staff: bool) -> list[Incident]:
    """Of a court's incidents (its Go-Live panel has them), those that are `user`'s
    to follow: unresolved ones they reported, resolved ones they reported and have
    not yet confirmed or reopened, and for CCPOR staff unresolved ones they own or
    that nobody has answered yet; the soonest response due first."""

    def is_mine(incident: Incident) -> bool:
        if incident.reported_by_id == user.pk:
            return True
        if not staff:
            return False
        return incident.owner_id == user.pk or (
            incident.owner_id is None and incident.responded_at is None
        )

    return sorted(
        (
            i
            for i in incidents
            if (i.is_unresolved and is_mine(i))
            or (i.awaits_reporter and i.reported_by_id == user.pk)
        ),
        key=lambda i: (i.respond_by, i.pk),
    )

"""Reads of the Go-Live phase: readiness and close-out of one or many onboardings (a
fixed number of queries however many), the lifecycle history, the sign-offs and the
incident registers."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse

from checklists.models import ChecklistItem, Onboarding
from collaboration.models import Evidence
from courts.access import ccpor_staff_users
from courts.models import Court

from .access import can_report_incident, can_run_lifecycle
from .models import (
    MEMBERSHIP_FOR_ROLE,
    GoNoGoDecision,
    Incident,
    SignOff,
    SignOffKind,
    SignOffRequest,
    SignOffRole,
    past_target_q,
    sign_off_roles,
    unresolved_q,
)
from .readiness import Readiness, close_readiness, live_readiness, sign_off_lines

# The readiness summary is shown for active onboardings this close to Go-Live (or
# past it): on the court page and on the dashboard.
READINESS_WINDOW_DAYS = 30


def _with_evidence_flag(items: QuerySet[ChecklistItem]) -> QuerySet[ChecklistItem]:
    return items.annotate(
        has_evidence=Exists(Evidence.objects.filter(item=OuterRef("pk")))
    ).order_by("onboarding_id", "order")


def _by_onboarding(rows: Iterable, attr: str = "onboarding_id") -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attr)].append(row)
    return grouped


def _decisions(where: dict) -> QuerySet[GoNoGoDecision]:
    # Newest first (Meta.ordering).
    return GoNoGoDecision.objects.filter(**where).select_related("decided_by")


def _latest(decisions: Iterable[GoNoGoDecision]) -> dict[int, GoNoGoDecision]:
    latest: dict[int, GoNoGoDecision] = {}
    for decision in decisions:
        latest.setdefault(decision.onboarding_id, decision)
    return latest


def latest_decisions(onboarding_ids: list[int]) -> dict[int, GoNoGoDecision]:
    """The latest go/no-go decision of each onboarding (one query)."""
    return _latest(_decisions({"onboarding_id__in": onboarding_ids}))


def _sign_off_querysets(where: dict, kind: str) -> tuple[QuerySet, QuerySet]:
    """The standing sign-offs and the requests of one kind of the onboardings
    `where` selects (a filter on `onboarding_id`)."""
    return (
        SignOff.objects.standing()
        .filter(**where, kind=kind)
        .select_related("signed_by"),
        SignOffRequest.objects.filter(**where, kind=kind).select_related("asked"),
    )


def _live_querysets(where: dict) -> tuple[QuerySet, ...]:
    """What readiness to go live reads of the onboardings `where` selects (a filter
    on `onboarding_id`): the gates and done evidence items, the standing acceptance
    sign-offs, the requests, the go/no-go decisions."""
    items = _with_evidence_flag(
        ChecklistItem.objects.filter(**where)
        .filter(
            Q(is_readiness_gate=True)
            | Q(evidence_required=True, status=ChecklistItem.Status.DONE)
        )
        # What golive.readiness reads of an item (the dashboard reads ten
        # onboardings' worth on every request).
        .only(
            "onboarding_id",
            "order",
            "title",
            "status",
            "na_justification",
            "is_readiness_gate",
            "evidence_required",
            "internal_only",
        )
    )
    return (
        items,
        *_sign_off_querysets(where, SignOffKind.ACCEPTANCE),
        _decisions(where),
    )


def _close_querysets(where: dict) -> tuple[QuerySet, ...]:
    """What readiness to be closed reads of the onboardings `where` selects: the
    open and done evidence items, the standing close-out sign-offs, the requests,
    the unresolved serious incidents."""
    items = _with_evidence_flag(
        ChecklistItem.objects.filter(**where).filter(
            Q(status__in=ChecklistItem.OPEN_STATUSES)
            | Q(evidence_required=True, status=ChecklistItem.Status.DONE)
        )
    )
    incidents = Incident.objects.filter(
        unresolved_q(), **where, severity__in=Incident.SERIOUS
    ).order_by("reported_at", "id")
    return (items, *_sign_off_querysets(where, SignOffKind.CLOSE_OUT), incidents)


def _live_readiness(onboardings, items, standing, requests, decisions) -> dict:
    items, standing, requests = (
        _by_onboarding(rows) for rows in (items, standing, requests)
    )
    decisions = _latest(decisions)
    return {
        o.pk: live_readiness(
            o,
            items=items.get(o.pk, []),
            standing=standing.get(o.pk, []),
            requests=requests.get(o.pk, []),
            decision=decisions.get(o.pk),
        )
        for o in onboardings
    }


def _close_readiness(onboardings, items, standing, requests, incidents) -> dict:
    items, standing, requests, incidents = (
        _by_onboarding(rows) for rows in (items, standing, requests, incidents)
    )
    return {
        o.pk: close_readiness(
            o,
            items=items.get(o.pk, []),
            standing=standing.get(o.pk, []),
            requests=requests.get(o.pk, []),
            serious_incidents=incidents.get(o.pk, []),
        )
        for o in onboardings
    }


def live_readiness_for(onboardings: Iterable[Onboarding]) -> dict[int, Readiness]:
    """Readiness to go live of each onboarding, by id: four queries in all. The
    onboardings carry their court."""
    onboardings = list(onboardings)
    ids = [o.pk for o in onboardings]
    if not ids:
        return {}
    return _live_readiness(onboardings, *_live_querysets({"onboarding_id__in": ids}))


def close_readiness_for(onboardings: Iterable[Onboarding]) -> dict[int, Readiness]:
    """Readiness to be closed of each onboarding, by id: four queries in all."""
    onboardings = list(onboardings)
    ids = [o.pk for o in onboardings]
    if not ids:
        return {}
    return _close_readiness(onboardings, *_close_querysets({"onboarding_id__in": ids}))


def readiness_for(onboarding: Onboarding) -> Readiness | None:
    """The gate an onboarding faces next: going live while active, the close-out
    while live; None for a closed or cancelled one. Four queries."""
    if onboarding.status == Onboarding.Status.ACTIVE:
        return live_readiness_for([onboarding])[onboarding.pk]
    if onboarding.status == Onboarding.Status.LIVE:
        return close_readiness_for([onboarding])[onboarding.pk]
    return None


def in_readiness_window(onboarding: Onboarding, *, today: datetime.date) -> bool:
    """Active, with Go-Live at most READINESS_WINDOW_DAYS away (or passed)."""
    return onboarding.status == Onboarding.Status.ACTIVE and (
        (onboarding.go_live_date - today).days <= READINESS_WINDOW_DAYS
    )


def readiness_window_last(today: datetime.date) -> datetime.date:
    """The last Go-Live date inside the readiness window on `today`."""
    return today + datetime.timedelta(days=READINESS_WINDOW_DAYS)


def in_readiness_window_q(
    *, today: datetime.date, go_live: str = "go_live_date", active: Q | None = None
) -> Q:
    """Active onboardings with Go-Live at most READINESS_WINDOW_DAYS away (or
    passed), or rows with an onboarding's Go-Live date in the field named
    `go_live` and `active` saying which are active: the SQL twin of
    `in_readiness_window`. Of active courts only: the caller's part."""
    if active is None:
        active = Q(status=Onboarding.Status.ACTIVE)
    return active & Q(**{f"{go_live}__lte": readiness_window_last(today)})


@dataclass(frozen=True)
class ReadinessLine:
    """One onboarding of the dashboard's readiness panel."""

    court_name: str
    court_short_name: str
    court_url: str
    readiness_url: str  # the court's Go-Live page, where the blockers are listed
    go_live_date: datetime.date
    gates_done: int
    gates_total: int
    sign_offs_given: int
    sign_offs_needed: int
    sign_offs_asked: int
    blockers: int
    decision_label: str


def readiness_soonest(*, today: datetime.date, limit: int) -> list[ReadinessLine]:
    """Readiness of the active onboardings of active courts inside the window, the
    soonest Go-Lives first, at most `limit` of them: the onboardings in Go-Live
    order from their index, and their readiness by the rule of `live_readiness_for`
    (a fixed number of queries however many are in the window). How many there are
    is counted with the portfolio (`in_readiness_window_q`)."""
    onboardings = list(
        Onboarding.objects.filter(in_readiness_window_q(today=today))
        .filter(court__is_active=True)
        .select_related("court")
        .order_by("go_live_date", "court__name")[:limit]
    )
    readiness = live_readiness_for(onboardings)
    url_for = Court.url_builder()
    marker = "court-slug-marker"
    head, tail = reverse("golive:readiness", kwargs={"slug": marker}).split(marker)
    lines = []
    for onboarding in onboardings:
        court, r = onboarding.court, readiness[onboarding.pk]
        lines.append(
            ReadinessLine(
                court_name=court.name,
                court_short_name=court.short_name,
                court_url=url_for(court.slug),
                readiness_url=f"{head}{court.slug}{tail}",
                go_live_date=onboarding.go_live_date,
                gates_done=r.gates_done,
                gates_total=r.gates_total,
                sign_offs_given=r.sign_offs_given,
                sign_offs_needed=r.sign_offs_needed,
                sign_offs_asked=r.sign_offs_asked,
                blockers=len(r.blockers),
                decision_label=r.decision.get_decision_display() if r.decision else "",
            )
        )
    return lines


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
    officer(s), its sheriff's office liaison(s), or the CCPOR Team."""
    if role == SignOffRole.CCPOR:
        return ccpor_staff_users()
    organisation, member_role = MEMBERSHIP_FOR_ROLE[role]
    return get_user_model().objects.filter(
        is_active=True,
        memberships__court=court,
        memberships__organisation=organisation,
        memberships__role=member_role,
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


# --- Incidents ------------------------------------------------------------------------


def _unresolved_first() -> Case:
    return Case(
        When(unresolved_q(), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def court_incidents(court: Court | int) -> QuerySet[Incident]:
    """A court's incident register: unresolved first, newest first (one query)."""
    return (
        Incident.objects.filter(onboarding__court=court)
        .select_related("owner", "reported_by")
        .annotate(unresolved_rank=_unresolved_first())
        .order_by("unresolved_rank", "-reported_at", "-id")
    )


def incidents_across_courts(
    *,
    now: datetime.datetime,
    status: str = "",
    severity: str = "",
    past_target: bool = False,
) -> QuerySet[Incident]:
    """Every incident of every court, with its court, for the CCPOR Team: filtered by
    status ("unresolved", or one status), severity, or past target only; unresolved
    first, then newest."""
    incidents = Incident.objects.select_related(
        "onboarding__court", "owner", "reported_by"
    )
    if status == "unresolved":
        incidents = incidents.filter(unresolved_q())
    elif status:
        incidents = incidents.filter(status=status)
    if severity:
        incidents = incidents.filter(severity=severity)
    if past_target:
        incidents = incidents.filter(past_target_q(now))
    return incidents.annotate(unresolved_rank=_unresolved_first()).order_by(
        "unresolved_rank", "-reported_at", "-id"
    )


def incidents_past_target(*, now: datetime.datetime) -> QuerySet[Incident]:
    """Incidents still waiting for a first response after their target, oldest
    target first (the dashboard flags them)."""
    return (
        Incident.objects.filter(past_target_q(now))
        .select_related("onboarding__court")
        .order_by("respond_by", "id")
    )


def incident_events(incident: Incident):
    return incident.events.select_related("by").order_by("at", "id")


@dataclass
class CourtPanel:
    """What the court page shows of the Go-Live phase."""

    onboarding: Onboarding | None
    # Once the onboarding is live, closed or cancelled its lifecycle is its story
    # and the panel tells it; while active, the readiness page does (a link away).
    history: list[HistoryLine] | None
    readiness: Readiness | None
    show_readiness: bool
    incidents: list[Incident]
    now: datetime.datetime
    can_run_lifecycle: bool
    can_report_incident: bool

    @property
    def unresolved_count(self) -> int:
        return sum(1 for i in self.incidents if i.is_unresolved)

    @property
    def past_target_count(self) -> int:
        return sum(1 for i in self.incidents if i.is_past_target(self.now))


def court_panel(
    user,
    court: Court,
    onboarding: Onboarding | None,
    *,
    today: datetime.date,
    now: datetime.datetime,
) -> CourtPanel:
    """The Go-Live panel of a court page: the readiness summary (active and inside
    READINESS_WINDOW_DAYS) or the close-out summary (live), the court's incident
    register, and the lifecycle history once the onboarding is no longer active
    (while active it is on the readiness page, a link away: three queries the
    court page does without)."""
    if onboarding is None:
        return CourtPanel(
            onboarding=None,
            history=None,
            readiness=None,
            show_readiness=False,
            incidents=[],
            now=now,
            can_run_lifecycle=can_run_lifecycle(user),
            can_report_incident=False,
        )
    onboarding.court = court
    show = in_readiness_window(onboarding, today=today) or (
        onboarding.status == Onboarding.Status.LIVE
    )
    return CourtPanel(
        onboarding=onboarding,
        history=(
            None
            if onboarding.status == Onboarding.Status.ACTIVE
            else lifecycle_history(onboarding)
        ),
        readiness=readiness_for(onboarding) if show else None,
        show_readiness=show,
        incidents=list(court_incidents(court)),
        now=now,
        can_run_lifecycle=can_run_lifecycle(user),
        can_report_incident=can_report_incident(user, onboarding),
    )

"""The incident registers (a court's, every court's, those past their target) and
the Go-Live panel of the court page."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    IntegerField,
    QuerySet,
    Value,
    When,
)

from checklists.models import Onboarding
from courts.models import Court

from ..access import can_report_incident, can_run_lifecycle
from ..models import (
    Incident,
    past_target_q,
    unresolved_q,
)
from ..readiness import Readiness
from .lifecycle import HistoryLine, lifecycle_history
from .readiness import in_readiness_window, readiness_for

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

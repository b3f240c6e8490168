"""The JSON of each thing the API returns, built from the selectors' rows (the
serializers in `serializers` describe these shapes for the OpenAPI schema; the
tests check every response against it)."""

import datetime

from django.urls import reverse

from checklists.health import Health
from checklists.marks import Mark, marks_for
from checklists.models import ChecklistItem, Onboarding
from checklists.selectors import Baseline
from roster.selectors import RosterCount


def _progress(progress) -> dict:
    return {
        "finished": progress.finished,
        "total": progress.total,
        "percent": progress.percent,
    }


def _mark_json(mark: Mark) -> dict:
    return {"name": mark.name, "date": mark.date, "days_to": mark.days_to}


def onboarding_json(
    request,
    onboarding: Onboarding,
    by_actor: dict,
    *,
    baseline: Baseline,
    roster: RosterCount,
    today,
) -> dict:
    """The API's representation of one onboarding (with `.state` attached) and its
    court's roster counts (`roster_counts`, judged as the dashboard's column)."""
    court = onboarding.court
    state = onboarding.state
    phase = state.current_phase
    return {
        "url": request.build_absolute_uri(
            reverse("api:onboarding_detail", kwargs={"slug": court.slug})
        ),
        "court": {
            "name": court.name,
            "slug": court.slug,
            "type": court.court_type,
            "district": court.district,
            "county": court.county,
            "page": request.build_absolute_uri(court.get_absolute_url()),
        },
        "status": onboarding.status,
        "go_live_date": onboarding.go_live_date,
        # The Go-Live first planned, how far it has moved since (later is
        # positive) and how many times.
        "baseline_go_live": baseline.original,
        "slip_days": baseline.slip_days,
        "go_live_move_count": len(baseline.moves),
        # The day it actually went live (None before), and the countdown only until
        # then.
        "went_live_on": onboarding.went_live_on,
        "days_to_go_live": (
            state.days_to_go_live
            if onboarding.status == Onboarding.Status.ACTIVE
            else None
        ),
        "phase": {"name": phase.name, "slug": phase.slug} if phase else None,
        "progress": _progress(state.progress),
        "phases": [
            {"name": p.name, "slug": p.slug, **_progress(progress)}
            for p, progress in state.phases
        ],
        "health": state.health or None,
        "health_label": Health.LABELS.get(state.health) or None,
        "marks": [
            _mark_json(mark) for mark in marks_for(onboarding.go_live_date, today=today)
        ],
        "next_mark": _mark_json(state.next_mark) if state.next_mark else None,
        "overdue_count": state.overdue_count,
        "blocked_count": state.blocked_count,
        "open_items_by_actor": by_actor["open"],
        "overdue_items_by_actor": by_actor["overdue"],
        "forecast": _forecast_json(onboarding),
        # Who will use CCPOR at the court: as the dashboard's Roster column.
        "roster": {
            "ready": roster.ready,
            "total": roster.total,
            "expired": roster.expired,
            "judged_on": roster.on,
        },
    }


def _forecast_json(onboarding: Onboarding) -> dict | None:
    """The active onboarding's forecast from pace (planning), read with it
    (`select_related("forecast")`), or None."""
    forecast = getattr(onboarding, "forecast", None)
    if forecast is None or onboarding.status != Onboarding.Status.ACTIVE:
        return None
    return {
        "as_of": forecast.as_of,
        "target_go_live": forecast.target,
        "p50": forecast.p50,
        "p85": forecast.p85,
        "slipping": forecast.slipping,
    }


def open_item_json(item: ChecklistItem, *, today: datetime.date) -> dict:
    """An open item in an onboarding's detail."""
    overdue = item.is_overdue_on(today)
    return {
        "order": item.order,
        "title": item.title,
        "phase": item.phase.slug,
        "actor": item.actor,
        "kind": item.kind,
        "status": item.status,
        "due_date": item.due_date,
        "overdue": overdue,
        "days_overdue": (today - item.due_date).days if overdue else 0,
        "owner": (
            {"name": str(item.owner), "email": item.owner.email} if item.owner else None
        ),
    }


def go_live_moves_json(baseline: Baseline) -> list[dict]:
    return [
        {
            "from": move.old_date,
            "to": move.new_date,
            "days": move.days,
            "reason": move.reason,
            "by": str(move.changed_by) if move.changed_by else None,
            "at": move.changed_at,
        }
        for move in baseline.moves
    ]


# --- What the writes return ----------------------------------------------------
def item_json(request, item: ChecklistItem) -> dict:
    """One item, as its court's members and CCPOR staff see it; `version` is what
    a status change may send as `expected_version`."""
    return {
        "id": item.pk,
        "court": item.onboarding.court.slug,
        "order": item.order,
        "title": item.title,
        "phase": item.phase.slug,
        "actor": item.actor,
        "kind": item.kind,
        "status": item.status,
        "note": item.note,
        "blocked_reason": item.blocked_reason,
        "na_justification": item.na_justification,
        "due_date": item.due_date,
        "evidence_required": item.evidence_required,
        "version": item.version,
        "page": request.build_absolute_uri(item.get_absolute_url()),
    }


def comment_json(comment) -> dict:
    return {
        "id": comment.pk,
        "body": comment.body,
        "author": str(comment.author) if comment.author else None,
        "created_at": comment.created_at,
    }


def incident_json(request, incident) -> dict:
    court = incident.onboarding.court
    return {
        "id": incident.pk,
        "court": court.slug,
        "title": incident.title,
        "description": incident.description,
        "severity": incident.severity,
        "category": incident.category,
        "status": incident.status,
        "owner": incident.owner.get_username() if incident.owner else None,
        "reported_by": str(incident.reported_by) if incident.reported_by else None,
        "reported_at": incident.reported_at,
        "respond_by": incident.respond_by,
        "resolution": incident.resolution,
        "page": request.build_absolute_uri(
            reverse(
                "golive:incident_detail",
                kwargs={"slug": court.slug, "pk": incident.pk},
            )
        ),
    }

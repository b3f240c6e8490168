"""The Go-Live pages of one court: readiness and lifecycle (with the transitions),
the go/no-go decision, and the incident register with each incident (the sign-offs
are in golive/sign_off_views.py).

Every page goes through `courts.access.court_view` (404 for a court the user may not
see, and for another court's records); what a person may do is asked of
`golive.access`, and every write goes through `golive.services`, whose refusals
are shown on the page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.client_ip import client_ip
from ccpor_onboard.lib.dates import today_in_california
from ccpor_onboard.lib.rate_limit import rate_limit_hit
from courts.access import court_view, is_ccpor_staff, require

from . import access, selectors, services
from .forms import (
    CancelForm,
    ConfirmForm,
    GoNoGoForm,
    IncidentReportForm,
    IncidentUpdateForm,
    ReasonForm,
)
from .services.lifecycle import STAFF_ONLY


def _go_live_url(court) -> str:
    return reverse("golive:readiness", kwargs={"slug": court.slug})


def _action_form(action: str, court, data=None):
    """The form of one lifecycle action on the Go-Live page (bound to `data` when
    given): each says what it asks, since the page holds several."""
    name = court.everyday_name
    if action == "live":
        label = f"Yes, {name} is live from today (today becomes its Go-Live date)"
        return ConfirmForm(data, prefix=action, label=label)
    if action == "close":
        label = "Yes, close the onboarding: it becomes read-only history"
        return ConfirmForm(data, prefix=action, label=label)
    if action == "cancel":
        return CancelForm(
            data,
            prefix=action,
            label="Why cancel the onboarding?",
            confirm_label=f"Yes, cancel {name}'s onboarding",
        )
    label = {"undo": "Why undo live?", "reopen": "Why reopen the onboarding?"}
    return ReasonForm(data, prefix=action, label=label[action])


ACTIONS = ("live", "close", "cancel", "undo", "reopen")


def _render_go_live(request, court, onboarding, *, refused=None, status=200, **bound):
    """The readiness and lifecycle page, with a refused transition's blockers and
    the bound form of the action just tried (with its errors), by action."""
    forms = {f"{a}_form": bound.get(a) or _action_form(a, court) for a in ACTIONS}
    return render(
        request,
        "golive/go_live.html",
        {
            "court": court,
            "onboarding": onboarding,
            "readiness": selectors.readiness_for(onboarding),
            "history": selectors.lifecycle_history(onboarding),
            "can_run_lifecycle": access.can_run_lifecycle(request.user),
            "refused": refused,
            **forms,
        },
        status=status,
    )


@court_view("GET")
def readiness(request, court):
    return _render_go_live(request, court, access.onboarding_of(court))


def _gate_transition(request, court, service, action: str, kind: str, done: str):
    """Mark live or close, once confirmed; a refusal lists every blocker, linked.
    A request without the confirmation (the page always asks for it) gets the
    transition's own refusal when something blocks it, else the question again."""
    onboarding = access.onboarding_of(court)
    require(access.can_run_lifecycle(request.user), STAFF_ONLY)
    form = _action_form(action, court, request.POST)
    try:
        if not form.is_valid():
            refusal = services.onboarding_gate_refusal(
                onboarding=onboarding, by=request.user, kind=kind
            )
            if refusal is None:
                return _render_go_live(request, court, onboarding, **{action: form})
            raise refusal
        service(onboarding=onboarding, by=request.user)
    except services.TransitionRefused as exc:
        return _render_go_live(request, court, onboarding, refused=exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_go_live_url(court))
    messages.success(request, done)
    return redirect(court)


@court_view("POST")
def mark_live(request, court):
    return _gate_transition(
        request,
        court,
        services.onboarding_mark_live,
        "live",
        "mark_live",
        f"{court.name} is live.",
    )


@court_view("POST")
def close(request, court):
    return _gate_transition(
        request,
        court,
        services.onboarding_close,
        "close",
        "close",
        f"{court.name}'s onboarding is closed: it is now read-only history.",
    )


def _reason_transition(request, court, service, action: str, done: str):
    """Undo live, cancel, reopen: a reason, kept with the transition (and, to
    cancel, the confirmation)."""
    onboarding = access.onboarding_of(court)
    require(access.can_run_lifecycle(request.user), STAFF_ONLY)
    form = _action_form(action, court, request.POST)
    if form.is_valid():
        try:
            service(
                onboarding=onboarding,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.TransitionRefused as exc:
            return _render_go_live(request, court, onboarding, refused=exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return redirect(court)
    return _render_go_live(request, court, onboarding, **{action: form})


@court_view("POST")
def undo_live(request, court):
    return _reason_transition(
        request,
        court,
        services.onboarding_undo_live,
        "undo",
        "Live undone: the onboarding is active again.",
    )


@court_view("POST")
def cancel(request, court):
    return _reason_transition(
        request,
        court,
        services.onboarding_cancel,
        "cancel",
        f"{court.name}'s onboarding is cancelled.",
    )


@court_view("POST")
def reopen(request, court):
    return _reason_transition(
        request,
        court,
        services.onboarding_reopen,
        "reopen",
        f"{court.name}'s onboarding is reopened.",
    )


# --- Go/no-go ----------------------------------------------------------------------


@court_view("GET", "POST")
def decision(request, court):
    onboarding = access.onboarding_of(court)
    require(
        access.can_run_lifecycle(request.user),
        "Only the CCPOR Team records the go/no-go decision.",
    )
    form = GoNoGoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.go_no_go_record(
                onboarding=onboarding,
                by=request.user,
                decision=data["decision"],
                reason=data["reason"],
                new_go_live_date=data["new_go_live_date"],
                today=today_in_california(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Go/no-go decision recorded: {record.get_decision_display()}."
            )
            return redirect(_go_live_url(court))
    return render(
        request,
        "golive/decision.html",
        {
            "court": court,
            "onboarding": onboarding,
            "form": form,
            "readiness": selectors.readiness_for(onboarding),
            "decisions": onboarding.go_no_go_decisions.select_related("decided_by"),
        },
    )


# --- Incidents ------------------------------------------------------------------------


@court_view("GET")
def incidents(request, court):
    onboarding = access.onboarding_of(court)
    return render(
        request,
        "golive/incidents.html",
        {
            "court": court,
            "onboarding": onboarding,
            "incidents": selectors.court_incidents(court),
            "now": timezone.now(),
            "can_report": access.can_report_incident(request.user, onboarding),
            "report_refusal": access.report_refusal(request.user, onboarding),
        },
    )


def _reported(request, court, incident):
    messages.success(
        request,
        f"Incident #{incident.pk} is reported; the CCPOR Team responds by "
        f"{timezone.localtime(incident.respond_by):%a %b %-d, %-I:%M %p}.",
    )
    return redirect(
        reverse(
            "golive:incident_detail", kwargs={"slug": court.slug, "pk": incident.pk}
        )
    )


@court_view("GET", "POST")
def incident_report(request, court):
    onboarding = access.onboarding_of(court)
    require(
        access.can_report_incident(request.user, onboarding),
        access.report_refusal(request.user, onboarding),
    )
    form = IncidentReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # Each report mails the court's lead and may page the CCPOR Team.
        refused = rate_limit_hit(
            "incident_report", f"user:{request.user.pk}", f"ip:{client_ip(request)}"
        )
        if refused:
            form.add_error(None, refused.message)
            status = 429
        else:
            try:
                incident = services.incident_report(
                    onboarding=onboarding, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _reported(request, court, incident)
    return render(
        request,
        "golive/incident_report.html",
        {"court": court, "onboarding": onboarding, "form": form},
        status=status,
    )


def _render_incident(request, court, incident, *, form=None, status=200):
    can_update = access.can_update_incident(request.user, incident)
    return render(
        request,
        "golive/incident_detail.html",
        {
            "court": court,
            "incident": incident,
            "events": selectors.incident_events(incident),
            "now": timezone.now(),
            "can_update": can_update,
            "form": form
            or (IncidentUpdateForm.for_incident(incident) if can_update else None),
            "is_staff": is_ccpor_staff(request.user),
        },
        status=status,
    )


@access.incident_view("GET")
def incident_detail(request, court, incident):
    return _render_incident(request, court, incident)


@access.incident_view("POST")
def incident_update(request, court, incident):
    require(
        access.can_update_incident(request.user, incident),
        incident.onboarding.read_only_reason
        or "Only the CCPOR Team responds to incidents.",
    )
    form = IncidentUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.incident_update(
                incident=incident, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Incident #{incident.pk} is updated.")
            return redirect(
                reverse(
                    "golive:incident_detail",
                    kwargs={"slug": court.slug, "pk": incident.pk},
                )
            )
    return _render_incident(request, court, incident, form=form)

"""The Go-Live pages of one court: readiness and lifecycle (with the transitions)
and the go/no-go decision (the sign-offs are in `sign_off_views`, the incident pages
in `incident_views`).

Every page goes through `courts.access.court_view` (404 for a court the user may not
see, and for another court's records); what a person may do is asked of
`golive.access`, and every write goes through `golive.services`, whose refusals
are shown on the page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from ccpor_onboard.lib.dates import today_in_california
from courts.access import court_view, require

from . import access, selectors, services
from .forms import (
    CancelForm,
    ConfirmForm,
    GoNoGoForm,
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
                capacity_reason=data["capacity_reason"],
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

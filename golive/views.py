"""The Go-Live pages of one court: readiness and lifecycle (with the transitions),
the go/no-go decision and sign-offs (the incident pages are in `incident_views`).

Every page goes through `courts.access.court_view` (404 for a court the user may not
see, and for another court's records); what a person may do is asked of
`golive.access`, and every write goes through `golive.services`, whose refusals
are shown on the page.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from ccpor_onboard.lib.dates import today_in_california
from courts.access import court_view, require

from . import access, selectors, services
from .forms import (
    GoNoGoForm,
    ReasonForm,
    SignOffAskForm,
    SignOffGiveForm,
    SignOffRevokeForm,
)
from .models import SIGN_OFF_STATUS, SignOffRole

STAFF_ONLY = "Only the CCPOR Team moves an onboarding through its lifecycle."


def _go_live_url(court) -> str:
    return reverse("golive:readiness", kwargs={"slug": court.slug})


def _render_go_live(request, court, onboarding, *, refused=None, status=200, **forms):
    """The readiness and lifecycle page, with a refused transition's blockers and
    any bound form (with its errors)."""
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
            "undo_form": forms.get("undo_form") or ReasonForm(prefix="undo"),
            "cancel_form": forms.get("cancel_form") or ReasonForm(prefix="cancel"),
            "reopen_form": forms.get("reopen_form") or ReasonForm(prefix="reopen"),
        },
        status=status,
    )


@court_view("GET")
def readiness(request, court):
    return _render_go_live(request, court, access.onboarding_of(court))


def _gate_transition(request, court, service, done: str):
    """Mark live or close: no input; a refusal lists every blocker, linked."""
    onboarding = access.onboarding_of(court)
    require(access.can_run_lifecycle(request.user), STAFF_ONLY)
    try:
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
        request, court, services.onboarding_mark_live, f"{court.name} is live."
    )


@court_view("POST")
def close(request, court):
    return _gate_transition(
        request,
        court,
        services.onboarding_close,
        f"{court.name}'s onboarding is closed: it is now read-only history.",
    )


def _reason_transition(request, court, service, prefix: str, done: str):
    """Undo live, cancel, reopen: a reason, kept with the transition."""
    onboarding = access.onboarding_of(court)
    require(access.can_run_lifecycle(request.user), STAFF_ONLY)
    form = ReasonForm(request.POST, prefix=prefix)
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
    return _render_go_live(request, court, onboarding, **{f"{prefix}_form": form})


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


# --- Sign-offs ------------------------------------------------------------------------


def _render_sign_offs(request, court, onboarding, *, status=200, bound=None):
    """The sign-off page; a refused POST's form comes back in `bound`, its refusal
    shown at the top of the page (the person may not see that line's forms)."""
    user = request.user
    refusals = []
    for form in (bound or {}).values():
        refusals += form.non_field_errors()
        form.errors.pop(NON_FIELD_ERRORS, None)
    sections = selectors.sign_off_sections(onboarding)
    holders = selectors.holders_by_role(court, onboarding)
    can_ask = access.can_ask_sign_off(user, court.pk)
    for section in sections:
        for line in section.lines:
            line.holders = holders.get(line.role, [])
            line.can_sign = not line.is_given and access.holds_role(
                user, court.pk, line.role
            )
            line.can_revoke = line.is_given and access.can_revoke_sign_off(
                user, line.sign_off
            )
            key = (section.kind, line.role)
            line.give_form = (bound or {}).get(("give", *key)) or SignOffGiveForm(
                initial={"kind": section.kind, "role": line.role},
                prefix=f"give-{section.kind}-{line.role}",
            )
            line.ask_form = (bound or {}).get(("ask", *key)) or SignOffAskForm(
                initial={"kind": section.kind, "role": line.role},
                holders=line.holders,
                prefix=f"ask-{section.kind}-{line.role}",
            )
            line.revoke_form = (bound or {}).get(("revoke", *key)) or (
                SignOffRevokeForm(prefix=f"revoke-{line.sign_off.pk}")
                if line.sign_off
                else None
            )
            line.can_ask = can_ask and not line.is_given
    return render(
        request,
        "golive/sign_offs.html",
        {
            "court": court,
            "onboarding": onboarding,
            "sections": sections,
            "open_kind": _open_kind(onboarding),
            "refusals": refusals,
        },
        status=status,
    )


def _open_kind(onboarding) -> str:
    """The kind of sign-off the onboarding's status lets people give now."""
    for kind, status in SIGN_OFF_STATUS.items():
        if onboarding.status == status:
            return kind
    return ""


@court_view("GET")
def sign_offs(request, court):
    return _render_sign_offs(request, court, access.onboarding_of(court))


def _prefixed_form(form_class, request, action: str, **kwargs):
    """A form bound to the POST, whatever line of the page it came from: the line's
    prefix is named by the hidden `line` field."""
    line = request.POST.get("line", "")
    return form_class(request.POST, prefix=f"{action}-{line}", **kwargs), line


@court_view("POST")
def sign_off_give(request, court):
    onboarding = access.onboarding_of(court)
    form, _ = _prefixed_form(SignOffGiveForm, request, "give")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.sign_off_give(
                onboarding=onboarding,
                kind=data["kind"],
                role=data["role"],
                by=request.user,
                statement=data["statement"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Signed. Thank you.")
            return redirect(reverse("golive:sign_offs", kwargs={"slug": court.slug}))
        key = ("give", data["kind"], data["role"])
    else:
        key = (
            "give",
            form.data.get(f"{form.prefix}-kind"),
            form.data.get(f"{form.prefix}-role"),
        )
    return _render_sign_offs(request, court, onboarding, bound={key: form})


@court_view("POST")
def sign_off_revoke(request, court, pk: int):
    onboarding = access.onboarding_of(court)
    sign_off = access.sign_off_for(onboarding, pk)
    require(
        access.can_revoke_sign_off(request.user, sign_off),
        "Only its signer or the CCPOR Team can revoke a sign-off.",
    )
    form = SignOffRevokeForm(request.POST, prefix=f"revoke-{sign_off.pk}")
    if form.is_valid():
        try:
            services.sign_off_revoke(
                sign_off=sign_off, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The sign-off is revoked; it stays on record.")
            return redirect(reverse("golive:sign_offs", kwargs={"slug": court.slug}))
    key = ("revoke", sign_off.kind, sign_off.role)
    return _render_sign_offs(request, court, onboarding, bound={key: form})


@court_view("POST")
def sign_off_ask(request, court):
    onboarding = access.onboarding_of(court)
    require(
        access.can_ask_sign_off(request.user, court.pk),
        "Only the CCPOR Team and the court's project lead ask for sign-offs.",
    )
    # Only the court's holders of the line's role are accepted (and named).
    line = request.POST.get("line", "")
    role = request.POST.get(f"ask-{line}-role", "")
    holders = (
        list(selectors.role_holders(court, role)) if role in SignOffRole.values else []
    )
    form, _ = _prefixed_form(SignOffAskForm, request, "ask", holders=holders)
    if form.is_valid():
        data = form.cleaned_data
        try:
            request_ = services.sign_off_ask(
                onboarding=onboarding,
                kind=data["kind"],
                role=data["role"],
                asked=data["asked"],
                by=request.user,
                message=data["message"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"{request_.asked} is asked for the sign-off, by e-mail."
            )
            return redirect(reverse("golive:sign_offs", kwargs={"slug": court.slug}))
        key = ("ask", data["kind"], data["role"])
    else:
        key = (
            "ask",
            form.data.get(f"{form.prefix}-kind"),
            form.data.get(f"{form.prefix}-role"),
        )
    return _render_sign_offs(request, court, onboarding, bound={key: form})

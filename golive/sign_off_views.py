"""The sign-off page of one court's onboarding: each role's line, given, asked for
or revoked.

Every page goes through `courts.access.court_view` (404 for a court the user may not
see); what a person may do is asked of `golive.access`, and every write goes through
`golive.services`, whose refusals are shown on the page.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from courts.access import court_view, require

from . import access, selectors, services
from .forms import (
    SignOffAskForm,
    SignOffGiveForm,
    SignOffRevokeForm,
    suggested_statement,
)
from .models import MEMBERSHIP_FOR_ROLE, SIGN_OFF_STATUS, SignOffRole


def _invite_query(role: str) -> str:
    """The invitation page's suggestion for a court-side role nobody holds yet
    ("organisation=court&role=executive_officer"); "" for the CCPOR Team's."""
    if role not in MEMBERSHIP_FOR_ROLE:
        return ""
    organisation, member_role = MEMBERSHIP_FOR_ROLE[role]
    return urlencode({"organisation": organisation, "role": member_role})


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
            # The newest request to the signer (requests come newest first).
            line.asked_of_you = next(
                (r for r in line.asked if r.asked_id == user.pk), None
            )
            line.invite_query = _invite_query(line.role)
            line.can_revoke = line.is_given and access.can_revoke_sign_off(
                user, line.sign_off
            )
            key = (section.kind, line.role)
            line.give_form = (bound or {}).get(("give", *key)) or SignOffGiveForm(
                initial={
                    "kind": section.kind,
                    "role": line.role,
                    "statement": suggested_statement(
                        kind=section.kind, role=line.role, court=court
                    ),
                },
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

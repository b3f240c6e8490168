"""The CCPOR-only changes to a court's onboarding: starting it, its Go-Live date,
processing model and re-plan from its template."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from ccpor_onboard.lib.dates import today_in_california
from ccpor_onboard.lib.requests import add_service_error
from checklists import services
from checklists.access import can_manage_onboarding
from checklists.forms import CLOSED_DAY_OK
from checklists.selectors import court_current_onboarding
from courts.access import court_view, is_ccpor_staff, require

from ..forms import (
    OnboardingStartForm,
    ProcessingModelForm,
    ReplanForm,
    RescheduleForm,
)


def _managed_onboarding(request, court):
    """The court's onboarding, for CCPOR staff only (403 for the court's members)."""
    onboarding = court_current_onboarding(court)
    if onboarding is None:
        raise Http404("This court has no onboarding.")
    onboarding.court = court
    require(
        can_manage_onboarding(request.user, onboarding),
        "Only the CCPOR Team changes the Go-Live date or the processing model.",
    )
    return onboarding


@court_view("GET", "POST")
def reschedule(request, court):
    onboarding = _managed_onboarding(request, court)
    form = RescheduleForm(
        request.POST or None, initial={"go_live_date": onboarding.go_live_date}
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.onboarding_reschedule(
                onboarding=onboarding,
                go_live_date=form.cleaned_data["go_live_date"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                today=today_in_california(),
                capacity_reason=form.cleaned_data["capacity_reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                f"Go-Live moved from {change.old_date:%B %-d, %Y} to "
                f"{change.new_date:%B %-d, %Y}; open items moved with it.",
            )
            return redirect(court)
    changes = onboarding.go_live_changes.select_related("changed_by")
    return render(
        request,
        "portal/reschedule.html",
        {"court": court, "onboarding": onboarding, "form": form, "changes": changes},
    )


@court_view("GET", "POST")
def processing_model(request, court):
    onboarding = _managed_onboarding(request, court)
    form = ProcessingModelForm(
        request.POST or None,
        initial={
            "court_enters_carpos": onboarding.court_enters_carpos,
            "so_participates": onboarding.so_participates,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.onboarding_set_processing_model(
                onboarding=onboarding, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, "Processing model changed; the checklist now matches it."
            )
            return redirect(court)
    return render(
        request,
        "portal/processing_model.html",
        {"court": court, "onboarding": onboarding, "form": form},
    )


@court_view("GET", "POST")
def replan(request, court):
    """What the template's current plan would change on this onboarding (gates,
    evidence, whose items, missing items), applied with a reason and recorded;
    the earlier re-plans (processing-model changes included) below."""
    onboarding = _managed_onboarding(request, court)
    form = ReplanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.onboarding_replan(
                onboarding=onboarding, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                f"Re-planned from the template: {len(record.changes)} change(s), "
                "recorded.",
            )
            return redirect(court)
    return render(
        request,
        "portal/replan.html",
        {
            "court": court,
            "onboarding": onboarding,
            "form": form,
            "preview": (
                services.replan_preview(onboarding) if onboarding.is_open else None
            ),
            "replans": onboarding.replans.select_related("by"),
        },
    )


@court_view("GET", "POST")
def start(request, court):
    """Start the onboarding of a court that has none open (CCPOR staff)."""
    require(is_ccpor_staff(request.user), "Only the CCPOR Team starts an onboarding.")
    form = OnboardingStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            onboarding = services.onboarding_start(
                court=court,
                started_by=request.user,
                today=today_in_california(),
                **{k: v for k, v in form.cleaned_data.items() if k != CLOSED_DAY_OK},
            )
        except ValidationError as exc:
            # The service names "court" for an open onboarding: not a field here.
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"Onboarding started: Go-Live {onboarding.go_live_date:%B %-d, %Y}, "
                f"{onboarding.items.count()} items.",
            )
            return redirect(court)
    return render(
        request,
        "portal/onboarding_start.html",
        {
            "court": court,
            "form": form,
            "current": court_current_onboarding(court),
        },
    )

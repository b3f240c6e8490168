"""Court pages: where a member lands after signing in, the court page, and the
CCPOR-only changes to a court's onboarding (Go-Live date, processing model)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ccpor_onboard.lib.dates import today
from checklists import services
from checklists.forms import (
    BulkStatusForm,
    CourtItemFilterForm,
    ProcessingModelForm,
    RescheduleForm,
)
from checklists.models import Actor
from checklists.selectors import (
    LATE_AFTER_DAYS,
    activity_feed,
    checklist_sections,
    court_current_onboarding,
    court_page_items,
    onboardings_with_status,
)
from reminders.selectors import reminder_log_for_onboarding

from . import access
from .selectors import court_list_for_user


@login_required
@require_GET
def home(request):
    courts = court_list_for_user(request.user, today=today())
    return render(request, "courts/home.html", {"courts": courts})


@login_required
@require_GET
def landing(request):
    """Where sign-in leads: CCPOR staff to their dashboard, a member of one court to
    that court's page, a member of several (or none) to a list to pick from."""
    if access.is_ccpor_staff(request.user):
        return redirect("dashboard:index")
    courts = list(access.courts_for_user(request.user).order_by("name"))
    if len(courts) == 1:
        return redirect(courts[0])
    return render(request, "courts/landing.html", {"courts": courts})


@access.court_view("GET")
def court_detail(request, court):
    user, day = request.user, today()
    onboarding = court_current_onboarding(court)
    context = {"court": court, "onboarding": onboarding, "today": day}
    if onboarding is not None:
        onboarding.court = court
        onboardings_with_status(
            [onboarding], today=day, include_internal=access.is_ccpor_staff(user)
        )
        filters = CourtItemFilterForm(request.GET)
        chosen = filters.cleaned_data if filters.is_valid() else {}
        items = court_page_items(
            user,
            onboarding,
            today=day,
            mine=chosen.get("mine", False),
            open_only=chosen.get("open", False),
            overdue_only=chosen.get("overdue", False),
        )
        filtered = any(chosen.values())
        context.update(
            filters=filters,
            filtered=filtered,
            items=items,
            # The timeline always shows every item the person may see.
            timeline_items=(
                court_page_items(user, onboarding, today=day) if filtered else items
            ),
            reminder_log=list(reminder_log_for_onboarding(onboarding)),
            sections=checklist_sections(onboarding, items, today=day),
            feed=activity_feed(user, onboarding),
            bulk_form=BulkStatusForm(),
            can_bulk=any(item.can_update for item in items),
            can_manage=access.can_manage_onboarding(user, onboarding),
            my_actor=(actor := access.actor_for_user(user, court.pk)),
            my_actor_label=Actor(actor).label if actor else "",
            late_after_days=LATE_AFTER_DAYS,
        )
    return render(request, "courts/court_detail.html", context)


def _managed_onboarding(request, court):
    """The court's onboarding, for CCPOR staff only (403 for the court's members)."""
    onboarding = court_current_onboarding(court)
    if onboarding is None:
        raise Http404("This court has no onboarding.")
    onboarding.court = court
    access.require(
        access.can_manage_onboarding(request.user, onboarding),
        "Only the CCPOR Team changes the Go-Live date or the processing model.",
    )
    return onboarding


@access.court_view("GET", "POST")
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
                today=today(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
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
        "courts/reschedule.html",
        {"court": court, "onboarding": onboarding, "form": form, "changes": changes},
    )


@access.court_view("GET", "POST")
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
            form.add_error(None, exc)
        else:
            messages.success(
                request, "Processing model changed; the checklist now matches it."
            )
            return redirect(court)
    return render(
        request,
        "courts/processing_model.html",
        {"court": court, "onboarding": onboarding, "form": form},
    )

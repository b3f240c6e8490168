"""The incident pages of one court: the register, the report form, and each incident
with the CCPOR Team's response and its reporter's follow-up (add information,
confirm the fix, reopen it).

As the other Go-Live pages (`views`): every page goes through
`courts.access.court_view` or `access.incident_view` (404 for a court the user may
not see, and for another court's incident); what a person may do is asked of
`golive.access`, and every write goes through `golive.services`, whose refusals are
shown on the page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.client_ip import client_ip
from ccpor_onboard.lib.rate_limit import rate_limit_hit
from courts.access import court_view, require

from . import access, selectors, services
from .forms import IncidentFollowUpForm, IncidentReportForm, IncidentUpdateForm
from .models import FollowUp


def _incident_url(court, incident) -> str:
    return reverse(
        "golive:incident_detail", kwargs={"slug": court.slug, "pk": incident.pk}
    )


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
    return redirect(_incident_url(court, incident))


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


def _render_incident(
    request, court, incident, *, form=None, follow_up_form=None, status=200
):
    """The incident, its history, and what this person may do with it: the CCPOR
    Team's response form, or the reporter's follow-up."""
    user = request.user
    can_update = access.can_update_incident(user, incident)
    can_follow_up = access.can_follow_up_incident(user, incident)
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
            "follow_up_form": follow_up_form
            or (IncidentFollowUpForm() if can_follow_up else None),
            "read_only_reason": access.incident_read_only_reason(incident),
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
        access.update_refusal(request.user, incident),
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
            return redirect(_incident_url(court, incident))
    return _render_incident(request, court, incident, form=form)


FOLLOW_UP_DONE = {
    FollowUp.ADD: "Added to the incident; the CCPOR Team is told.",
    FollowUp.CONFIRM: "Thank you: the fix is confirmed.",
    FollowUp.REOPEN: "The incident is reopened; the CCPOR Team is told.",
}


@access.incident_view("POST")
def incident_follow_up(request, court, incident):
    require(
        access.can_follow_up_incident(request.user, incident),
        access.follow_up_refusal(request.user, incident),
    )
    form = IncidentFollowUpForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            services.incident_follow_up(
                incident=incident,
                by=request.user,
                action=action,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, FOLLOW_UP_DONE[action])
            return redirect(_incident_url(court, incident))
    return _render_incident(request, court, incident, follow_up_form=form)

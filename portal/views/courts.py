"""Where a member lands after signing in, the list of courts, and the court page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ccpor_onboard.lib.client_ip import client_ip
from ccpor_onboard.lib.dates import today_in_california
from ccpor_onboard.lib.rate_limit import rate_limit_hit
from checklists import access as item_access
from checklists.forms import BulkStatusForm
from checklists.health import LATE_AFTER_DAYS
from checklists.models import Actor
from checklists.selectors import (
    checklist_sections,
    court_current_onboarding,
    court_page_items,
    courts_with_current_onboarding,
    go_live_baseline,
    onboarding_with_status_from_items,
)
from collaboration.selectors import activity_feed, what_changed
from courts.access import court_view, courts_for_user, is_ccpor_staff, require
from courts.selectors import court_contacts
from golive.selectors import court_panel
from notifications.services import court_visit_record, person_invite
from planning.presenters import forecast_words
from planning.selectors import forecast_of
from reminders.selectors import (
    reminder_log_for_onboarding,
    reminders_awaiting_sweep,
)
from roster.selectors import readiness_day, roster_counts

from ..forms import CourtItemFilterForm, InviteForm
from ..todo import todo_list


@login_required
@require_GET
def home(request):
    courts = courts_with_current_onboarding(request.user, today=today_in_california())
    return render(request, "portal/home.html", {"courts": courts})


@login_required
@require_GET
def landing(request):
    """Where sign-in leads: CCPOR staff to their dashboard, a member of one court to
    that court's page, a member of several (or none) to a list to pick from."""
    if is_ccpor_staff(request.user):
        return redirect("dashboard:index")
    courts = list(courts_for_user(request.user).order_by("name"))
    if len(courts) == 1:
        return redirect(courts[0])
    return render(request, "portal/landing.html", {"courts": courts})


@court_view("GET")
def court_detail(request, court):
    """The court page: the header, "Your next actions" (the person's organisation's
    open items), the checklist by phase (finished phases folded, every phase open
    with ?view=all), then the Go-Live panel (near the top inside 30 days), the
    incidents, the timeline, the reminders, and the activity beside it."""
    user, day = request.user, today_in_california()
    onboarding = court_current_onboarding(court)
    context = {
        "court": court,
        "onboarding": onboarding,
        "today": day,
        "contacts": court_contacts(court),
        "golive": court_panel(user, court, onboarding, today=day, now=timezone.now()),
        # One query, for an active onboarding only.
        "forecast": forecast_words(forecast_of(onboarding), today=day),
        # A court with no onboarding, or only a cancelled one, may start one.
        # Who will use CCPOR: how many are ready, how many hold an expired
        # certification (one query; after close-out too: sustainment).
        "roster": roster_counts(
            {court.pk: readiness_day(onboarding and onboarding.go_live_date, day)},
            today=day,
        )[court.pk],
        "can_start": is_ccpor_staff(user)
        and (onboarding is None or onboarding.status == onboarding.Status.CANCELLED),
    }
    if onboarding is not None:
        onboarding.court = court
        since = court_visit_record(user=user, court=court, at=timezone.now())
        my_actor = item_access.actor_for_user(user, court.pk)
        filters = CourtItemFilterForm(request.GET, my_actor=my_actor)
        chosen = filters.cleaned_data if filters.is_valid() else {}
        filtered = any(chosen.values())
        # Every item the person may see: the header's counts, the timeline and
        # "Your next actions" use them whatever the filters.
        all_items = court_page_items(user, onboarding, today=day)
        items = (
            court_page_items(
                user,
                onboarding,
                today=day,
                mine=chosen.get("mine", False),
                owned=chosen.get("owned", False),
                open_only=chosen.get("open", False),
                overdue_only=chosen.get("overdue", False),
            )
            if filtered
            else all_items
        )
        onboarding_with_status_from_items(onboarding, all_items, today=day)
        can_bulk = any(item.can_update for item in items)
        context.update(
            filters=filters,
            # The Go-Live panel comes before the checklist inside 30 days of
            # Go-Live, once live, and for an onboarding that is history.
            golive_first=context["golive"].show_readiness or not onboarding.is_open,
            filtered=filtered,
            view_all=request.GET.get("view") == "all",
            items=items,
            timeline_items=all_items,
            next_actions_for=Actor(my_actor) if my_actor else None,
            next_actions=todo_list(
                user,
                onboarding,
                items=all_items,
                actor=my_actor,
                incidents=context["golive"].incidents,
                staff=is_ccpor_staff(user),
                today=day,
            ),
            reminder_log=(log := list(reminder_log_for_onboarding(onboarding))),
            reminders_pending=reminders_awaiting_sweep(onboarding, log, today=day),
            sections=checklist_sections(onboarding, items, today=day),
            baseline=(baseline := go_live_baseline(onboarding)),
            feed=activity_feed(user, onboarding, go_live_moves=baseline.moves),
            changes=(what_changed(user, onboarding, since=since) if since else None),
            first_visit=since is None,
            bulk_form=BulkStatusForm.for_page(
                action=reverse("checklists:bulk_status", kwargs={"slug": court.slug}),
                next_url=request.get_full_path(),
            )
            if can_bulk
            else None,
            can_bulk=can_bulk,
            can_manage=item_access.offers_plan_changes(user, onboarding),
            late_after_days=LATE_AFTER_DAYS,
        )
    return render(request, "portal/court_detail.html", context)


def _invited(request, court, invitation):
    user = invitation.membership.user
    messages.success(
        request,
        f"{user} ({user.email}) is now a member of {court.everyday_name}"
        + (
            "; they have been e-mailed a link to set their password."
            if invitation.created
            else "; they already had an account and have been told."
        ),
    )
    return redirect(court.get_absolute_url() + "#contacts")


@court_view("GET", "POST")
def invite(request, court):
    """CCPOR staff invite a person to the court's onboarding: the membership exists
    at once and the person is e-mailed a one-time link to set their password."""
    require(is_ccpor_staff(request.user), "Only the CCPOR Team invites people.")
    form = InviteForm(request.POST or None, initial=InviteForm.suggested(request.GET))
    status = 200
    if request.method == "POST" and form.is_valid():
        # Each invitation mails someone: per inviter, per client address and per
        # address invited.
        refused = rate_limit_hit(
            "invitation",
            f"user:{request.user.pk}",
            f"ip:{client_ip(request)}",
            f"email:{form.cleaned_data['email'].lower()}",
        )
        if refused:
            form.add_error(None, refused.message)
            status = 429
        else:
            try:
                invitation = person_invite(
                    court=court, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _invited(request, court, invitation)
    return render(
        request,
        "portal/invite.html",
        {
            "court": court,
            "form": form,
            "timeout_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
        status=status,
    )

"""Where a member lands after signing in, the list of courts, and the court page."""

from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from ccpor_onboard.lib.dates import today_in_california
from ccpor_onboard.lib.fragments import cached_fragment
from checklists import access as item_access
from checklists.forms import BulkStatusForm
from checklists.health import LATE_AFTER_DAYS
from checklists.models import Actor
from checklists.selectors import (
    activity_feed,
    activity_marker,
    checklist_sections,
    court_current_onboarding,
    court_page_items,
    courts_with_current_onboarding,
    next_actions,
    onboarding_with_status_from_items,
    what_changed,
)
from courts.access import court_view, courts_for_user, is_ccpor_staff, require
from courts.selectors import court_contacts
from golive.selectors import court_panel
from notifications.services import court_visit_record, person_invite
from reminders.selectors import (
    reminder_log_for_onboarding,
    reminders_awaiting_sweep,
)

from ..forms import CourtItemFilterForm, InviteForm


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
        "contacts": (contacts := court_contacts(court)),
        "contacts_html": contacts_html(request, court, contacts),
        "golive": court_panel(user, court, onboarding, today=day, now=timezone.now()),
        # A court with no onboarding, or only a cancelled one, may start one.
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
        next_url = request.get_full_path()
        can_bulk = any(item.can_update for item in items)
        bulk_action = reverse("checklists:bulk_status", kwargs={"slug": court.slug})
        for item in items:
            item.row_html = item_row_html(
                request, item, court=court, can_bulk=can_bulk, next_url=next_url
            )
        sections = checklist_sections(onboarding, items, today=day)
        for section in sections:
            section.rows_html = section_rows_html(request, section, can_bulk=can_bulk)
            section.progress_html = phase_progress_html(request, section)
        context.update(
            filters_html=cached_fragment(
                request,
                (
                    "court-filters",
                    tuple(sorted((k, tuple(v)) for k, v in request.GET.lists())),
                    my_actor,
                    filtered,
                    court.slug,
                    len(items),
                ),
                lambda ctx: render_crispy_form(
                    filters,
                    context={
                        **ctx,
                        "filtered": filtered,
                        "court": court,
                        "items": items,
                    },
                ),
            ),
            # The Go-Live panel comes before the checklist inside 30 days of
            # Go-Live, once live, and for an onboarding that is history.
            golive_first=context["golive"].show_readiness or not onboarding.is_open,
            filtered=filtered,
            view_all=request.GET.get("view") == "all",
            items=items,
            timeline_items=all_items,
            timeline_html=timeline_html(request, onboarding, all_items, today=day),
            next_actions_for=(actions_for := Actor(my_actor) if my_actor else None),
            next_actions=(
                actions := next_actions(
                    all_items,
                    actor=my_actor,
                    next_mark=onboarding.state.next_mark,
                    today=day,
                )
            ),
            next_actions_html=next_actions_html(
                request,
                court=court,
                onboarding=onboarding,
                actions=actions,
                actions_for=actions_for,
                filtered=filtered,
            ),
            reminder_log=(log := list(reminder_log_for_onboarding(onboarding))),
            reminders_pending=reminders_awaiting_sweep(onboarding, log, today=day),
            sections=sections,
            # Read only when the kept feed no longer fits (activity_html).
            feed=(feed := SimpleLazyObject(lambda: activity_feed(user, onboarding))),
            feed_html=activity_html(
                request, onboarding, all_items, feed=feed, staff=is_ccpor_staff(user)
            ),
            changes=(what_changed(user, onboarding, since=since) if since else None),
            first_visit=since is None,
            bulk_form_html=cached_fragment(
                request,
                ("court-bulk-form", bulk_action, next_url),
                lambda ctx: render_crispy_form(
                    BulkStatusForm.for_page(action=bulk_action, next_url=next_url),
                    context=ctx,
                ),
            )
            if can_bulk
            else "",
            can_bulk=can_bulk,
            can_manage=item_access.offers_plan_changes(user, onboarding),
            late_after_days=LATE_AFTER_DAYS,
        )
    return render(request, "portal/court_detail.html", context)


def item_row_html(request, item, *, court, can_bulk: bool, next_url: str):
    """One item's row of the court page (checklists/_item_row.html), kept by
    everything it shows: the item's version and last change (every write moves
    one or the other), its owner, evidence and comment counts, whether it is
    overdue today, whether this person may change it, and the page it sits on."""
    key = (
        "court-item-row",
        item.pk,
        item.version,
        item.updated_at,
        item.evidence_count,
        item.comment_count,
        item.is_overdue,
        item.can_update,
        can_bulk,
        court.slug,
        next_url,
        str(item.updated_by or ""),
        str(item.verified_by or ""),
        str(item.owner or ""),
    )
    return cached_fragment(
        request,
        key,
        lambda ctx: render_to_string(
            "checklists/_item_row.html",
            {
                **ctx,
                "request": request,
                "item": item,
                "court": court,
                "can_bulk": can_bulk,
                "next_url": next_url,
            },
        ),
    )


def section_rows_html(request, section, *, can_bulk: bool):
    """The rows of one phase of the checklist: each item's row (`row_html`) and the
    marks between them (portal/_mark_row.html, kept by the mark and `can_bulk`),
    joined here rather than in a template loop run on every request."""
    parts = [
        row.row_html
        if kind == "item"
        else cached_fragment(
            request,
            ("court-mark-row", row, can_bulk),
            lambda ctx, mark=row: render_to_string(
                "portal/_mark_row.html", {**ctx, "mark": mark, "can_bulk": can_bulk}
            ),
        )
        for kind, row in section.rows
    ]
    return mark_safe("\n".join(parts))  # noqa: S308 - fragments our templates rendered


def next_actions_html(request, *, court, onboarding, actions, actions_for, filtered):
    """ "Your next actions" (checklists/_next_actions.html), kept by what it shows:
    whose actions, the next mark, whether the checklist is filtered, who looks
    (an owner reads "you"), and each item's version and last change (every write
    moves one or the other), owner and verifier, whether it is overdue today and
    whether this person may change it."""
    key = (
        "court-next-actions",
        court.slug,
        request.user.pk,
        actions_for,
        onboarding.state.next_mark,
        filtered,
        tuple(
            (
                item.pk,
                item.version,
                item.updated_at,
                item.is_overdue,
                item.can_update,
                item.owner_id,
                str(item.owner or ""),
                str(item.verified_by or ""),
            )
            for item in actions
        ),
    )
    return cached_fragment(
        request,
        key,
        lambda ctx: render_to_string(
            "checklists/_next_actions.html",
            {
                **ctx,
                "request": request,
                "court": court,
                "onboarding": onboarding,
                "next_actions": actions,
                "next_actions_for": actions_for,
                "filtered": filtered,
            },
        ),
    )


def phase_progress_html(request, section):
    """A phase's progress bar (checklists/_phase_progress.html), kept by the phase
    and its progress."""
    phase, progress = section.phase, section.progress
    return cached_fragment(
        request,
        ("court-phase-progress", phase.pk, phase.name, progress),
        lambda ctx: render_to_string(
            "checklists/_phase_progress.html",
            {**ctx, "phase": phase, "progress": progress},
        ),
    )


def contacts_html(request, court, contacts):
    """The court's contacts (portal/_contacts.html), kept by the contacts, the
    court, and who looks (CCPOR staff get the invitation link; "(you)")."""
    user = request.user
    staff = is_ccpor_staff(user)
    return cached_fragment(
        request,
        ("court-contacts", court.slug, tuple(contacts), staff, user.pk),
        lambda ctx: render_to_string(
            "portal/_contacts.html",
            {
                **ctx,
                "request": request,
                "court": court,
                "contacts": contacts,
                "is_ccpor_staff": staff,
            },
        ),
    )


def activity_html(request, onboarding, items, *, feed, staff: bool):
    """The court page's "Recent activity" (portal/_activity.html), kept by what can
    change it: each visible item's version, last change and due date (every item
    write, the Go-Live moves and the history records that come with them), the
    evidence files and comments (`activity_marker`: added, removed, edited), and
    whether CCPOR-internal items are visible. `feed` is read only to render."""
    court = onboarding.court
    key = (
        "court-activity",
        court.slug,
        onboarding.pk,
        staff,
        activity_marker(onboarding),
        tuple((i.pk, i.version, i.updated_at, i.due_date) for i in items),
    )
    return cached_fragment(
        request,
        key,
        lambda ctx: render_to_string(
            "portal/_activity.html", {**ctx, "court": court, "feed": feed}
        ),
    )


def timeline_html(request, onboarding, items, *, today):
    """The onboarding's timeline (checklists/_timeline.html), kept by what it
    draws: the Go-Live date, the day, and each item's version and last change."""
    key = (
        "court-timeline",
        onboarding.pk,
        onboarding.go_live_date,
        today,
        tuple((i.pk, i.version, i.updated_at, i.phase.name) for i in items),
    )
    return cached_fragment(
        request,
        key,
        lambda ctx: render_to_string(
            "checklists/_timeline.html",
            {**ctx, "onboarding": onboarding, "items": items, "today": today},
        ),
    )


@court_view("GET", "POST")
def invite(request, court):
    """CCPOR staff invite a person to the court's onboarding: the membership exists
    at once and the person is e-mailed a one-time link to set their password."""
    require(is_ccpor_staff(request.user), "Only the CCPOR Team invites people.")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = person_invite(
                court=court, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
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
    return render(
        request,
        "portal/invite.html",
        {
            "court": court,
            "form": form,
            "timeout_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )

"""The CCPOR Team's planning pages: capacity by week (load against capacity by
role, over-committed weeks marked; the team's absences and hours a week recorded
there) and lead times learned from finished
onboardings (with the offsets proposed, accepted into a new template version).
CCPOR staff only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ccpor_onboard.lib.dates import today_in_california
from checklists.models import ChecklistTemplate
from checklists.services import default_template
from courts.access import ccpor_staff_required
from planning import capacity as planning_capacity
from planning.lead_times import lead_times as learned_lead_times
from planning.models import LeadTimeAdoption, TeamMember
from planning.services import absence_record, lead_time_accept, member_hours_set

from ..forms import (
    AbsenceForm,
    CapacityWeeksForm,
    LeadTimeAcceptForm,
    MemberHoursForm,
)


@ccpor_staff_required
def capacity(request):
    """Weeks × roles from this week: four queries, however many courts."""
    return _capacity_page(request)


@ccpor_staff_required
@require_POST
def capacity_absence(request):
    """Record a team member's absence from the capacity page; errors shown in
    place on the page."""
    members = _team()
    form = AbsenceForm(request.POST, members=members)
    if form.is_valid():
        data = form.cleaned_data
        try:
            absence = absence_record(
                member=data["member"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Recorded: {absence.member.name} away from "
                f"{absence.first_day:%B %d} to {absence.last_day:%B %d, %Y}.",
            )
            return redirect("dashboard:capacity")
    return _capacity_page(request, members=members, absence_form=form, status=400)


@ccpor_staff_required
@require_POST
def capacity_hours(request, pk: int):
    """Set one team member's hours a week from the capacity page."""
    member = get_object_or_404(TeamMember, pk=pk, is_active=True)
    form = MemberHoursForm(request.POST, instance=member)
    if form.is_valid():
        try:
            member_hours_set(
                member=member,
                hours_per_week=form.cleaned_data["hours_per_week"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{member.name} now gives {member.role} "
                f"{member.hours_per_week:g} h a week.",
            )
            return redirect("dashboard:capacity")
    return _capacity_page(request, hours_form=form, status=400)


def _team() -> list[TeamMember]:
    return list(
        TeamMember.objects.filter(is_active=True)
        .select_related("role")
        .prefetch_related("absences")
    )


def _capacity_page(
    request, *, members=None, absence_form=None, hours_form=None, status=200
):
    """The capacity page, with the team's forms (one of them bound, with its
    errors, after a refused POST)."""
    form = CapacityWeeksForm(request.GET or None)
    weeks = form.weeks_shown()
    cells = planning_capacity.capacity_table(today=today_in_california(), weeks=weeks)
    roles = sorted({c.role for c in cells})
    rows: dict = {}
    for cell in cells:
        rows.setdefault(cell.week_start, []).append(cell)
    members = _team() if members is None else members
    team = [
        (
            m,
            hours_form
            if hours_form is not None and hours_form.instance.pk == m.pk
            else MemberHoursForm(instance=m),
        )
        for m in members
    ]
    return render(
        request,
        "dashboard/capacity.html",
        {
            "form": form,
            "weeks": weeks,
            "roles": roles,
            "rows": list(rows.items()),
            "over": sum(c.over for c in cells),
            "team": team,
            "absence_form": absence_form or AbsenceForm(members=members),
        },
        status=status,
    )


@ccpor_staff_required
def lead_times(request):
    """Every item of the newest active template with what finished onboardings
    taught; POST accepts one item's proposed offset into a new version."""
    template = default_template()
    if template is None:
        raise Http404("There is no active checklist template.")
    form = LeadTimeAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = get_object_or_404(ChecklistTemplate, pk=template.pk)
        try:
            new = lead_time_accept(
                template=chosen,
                order=form.cleaned_data["order"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Accepted into {new}: new onboardings start from it; running ones "
                "keep their dates (change an item's due date in the admin to move "
                "one).",
            )
            return redirect("dashboard:lead_times")
    return render(
        request,
        "dashboard/lead_times.html",
        {
            "template": template,
            "form": form,
            "lead_times": learned_lead_times(template),
            "adoptions": LeadTimeAdoption.objects.select_related("template", "by")[:20],
        },
    )

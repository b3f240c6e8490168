"""The CCPOR Team's planning pages: capacity by week (load against capacity by
role, over-committed weeks marked) and lead times learned from finished
onboardings (with the offsets proposed, accepted into a new template version).
CCPOR staff only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from ccpor_onboard.lib.dates import today_in_california
from checklists.models import ChecklistTemplate
from checklists.services import default_template
from courts.access import ccpor_staff_required
from planning import capacity as planning_capacity
from planning.lead_times import lead_times as learned_lead_times
from planning.models import LeadTimeAdoption, TeamMember
from planning.services import lead_time_accept

from ..forms import CapacityWeeksForm, LeadTimeAcceptForm


@ccpor_staff_required
def capacity(request):
    """Weeks × roles from this week: four queries, however many courts."""
    form = CapacityWeeksForm(request.GET or None)
    weeks = form.weeks_shown()
    cells = planning_capacity.capacity_table(today=today_in_california(), weeks=weeks)
    roles = sorted({c.role for c in cells})
    rows: dict = {}
    for cell in cells:
        rows.setdefault(cell.week_start, []).append(cell)
    return render(
        request,
        "dashboard/capacity.html",
        {
            "form": form,
            "weeks": weeks,
            "roles": roles,
            "rows": list(rows.items()),
            "over": sum(c.over for c in cells),
            "members": TeamMember.objects.filter(is_active=True)
            .select_related("role")
            .prefetch_related("absences"),
        },
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
                "keep their dates.",
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

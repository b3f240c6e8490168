"""The CCPOR Team's incident list across courts (staff only)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from courts.access import ccpor_staff_required
from golive.selectors import incidents_across_courts

from ..forms import IncidentFilterForm

PAGE_SIZE = 50


@ccpor_staff_required
def incidents(request):
    now = timezone.now()
    form = IncidentFilterForm(request.GET)
    filters = form.choice()
    page = Paginator(incidents_across_courts(now=now, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "dashboard/incidents.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_ends=1),
            "incidents": page.object_list,
            "now": now,
        },
    )

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ccpor_onboard.lib.dates import today
from checklists.selectors import onboardings_with_status

from .access import court_for_user, is_ccpor_staff
from .selectors import court_list_for_user


@login_required
def home(request):
    courts = court_list_for_user(request.user, today=today())
    return render(request, "courts/home.html", {"courts": courts})


@login_required
def court_detail(request, slug: str):
    court = court_for_user(request.user, slug)
    staff = is_ccpor_staff(request.user)
    onboarding = (
        court.onboardings.filter(status__in=("active", "live")).first()
        or court.onboardings.order_by("-created_at").first()
    )
    items = []
    if onboarding is not None:
        onboardings_with_status([onboarding], today=today(), include_internal=staff)
        items = onboarding.items.select_related("phase").order_by(
            "phase__order", "order"
        )
        if not staff:
            items = items.filter(internal_only=False)
    return render(
        request,
        "courts/court_detail.html",
        {"court": court, "onboarding": onboarding, "items": items, "today": today()},
    )

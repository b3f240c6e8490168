"""The planning endpoints of the read-only JSON API (CCPOR staff; session or API
token, as dashboard.views.api):

    GET /api/forecast/           every active onboarding's forecast from pace, and
                                 when all open onboardings will likely be live
    GET /api/capacity/?weeks=N   the CCPOR Team's load against capacity, by week
                                 and role, from the Monday of this week
"""

from django.http import JsonResponse

from ccpor_onboard.lib.dates import today_in_california
from planning.capacity import capacity_table
from planning.selectors import forecasts_by_court, statewide_forecast

from ..forms import CapacityWeeksForm
from .api import _error, api_view


@api_view
def forecast(request, user):
    """Two queries: the onboardings with their forecasts, and the statewide one.
    A court whose forecast is not made yet has null dates."""
    statewide = statewide_forecast()
    return JsonResponse(
        {
            "courts": [
                {
                    "slug": row.slug,
                    "target_go_live": row.target,
                    "forecast_p50": row.p50,
                    "forecast_p85": row.p85,
                    "slipping": row.slipping,
                    "as_of": row.as_of,
                }
                for row in forecasts_by_court()
            ],
            "statewide": {
                "all_live_p50": statewide.all_live_p50 if statewide else None,
                "all_live_p85": statewide.all_live_p85 if statewide else None,
                "as_of": statewide.as_of if statewide else None,
            },
        }
    )


@api_view
def capacity(request, user):
    """Load against capacity by week (from the Monday of this week) and role, in
    hours: `?weeks=N` (1 to 52, 12 by default); anything else answers 400. Four
    queries."""
    form = CapacityWeeksForm(request.GET)
    if "weeks" in request.GET and not form.is_valid():
        return _error(400, "bad_request", "weeks must be a whole number from 1 to 52.")
    cells = capacity_table(today=today_in_california(), weeks=form.weeks_shown())
    return JsonResponse({"weeks": [cell.as_json() for cell in cells]})

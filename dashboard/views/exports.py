"""The CSV downloads of the dashboard: the portfolio (as filtered), every item and
every incident."""

from django.conf import settings
from django.utils import timezone

from ccpor_onboard.lib.dates import today_in_california
from courts.access import ccpor_staff_required

from .. import exports
from ..filters import portfolio_filterset


@ccpor_staff_required
def export_portfolio(request):
    on_day = today_in_california()
    filterset, phases_by_order = portfolio_filterset(request.GET, today=on_day)
    return exports.portfolio_csv(
        filterset.qs,
        today=on_day,
        phases_by_order=phases_by_order,
        site_url=settings.SITE_URL,
    )


@ccpor_staff_required
def export_items(request):
    return exports.items_csv(today=today_in_california(), site_url=settings.SITE_URL)


@ccpor_staff_required
def export_incidents(request):
    return exports.incidents_csv(today=today_in_california(), now=timezone.now())

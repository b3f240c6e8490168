"""The CSV downloads of the dashboard: the portfolio (as filtered), every item and
every incident."""

from django.conf import settings
from django.utils import timezone

from ccpor_onboard.lib.dates import today_in_california
from courts.access import ccpor_staff_required

from .. import exports
from ..filters import portfolio_query


@ccpor_staff_required
def export_portfolio(request):
    on_day = today_in_california()
    query = portfolio_query(request.GET, today=on_day, fold=False)
    return exports.portfolio_csv(
        query.queryset,
        today=on_day,
        phases=list(query.phases_by_order.values()),
        site_url=settings.SITE_URL,
    )


@ccpor_staff_required
def export_items(request):
    return exports.items_csv(today=today_in_california(), site_url=settings.SITE_URL)


@ccpor_staff_required
def export_incidents(request):
    return exports.incidents_csv(today=today_in_california(), now=timezone.now())

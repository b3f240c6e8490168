"""The read endpoints, for CCPOR staff (session or token; moved here from the
dashboard with their URLs and shapes unchanged):

    GET /api/onboardings/                 the list (paginated)
    GET /api/onboardings/<court-slug>/    one court's current onboarding
    GET /api/forecast/                    every active onboarding's forecast
    GET /api/capacity/?weeks=N            the team's load against capacity by week

No credentials or a bad token answer 401; a signed-in person who is not CCPOR staff
403; a court that does not exist 404.
"""

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from ccpor_onboard.lib.dates import today_in_california
from checklists.models import Onboarding
from checklists.selectors import (
    court_current_onboarding,
    go_live_baseline,
    go_live_baselines,
    onboardings_with_status,
    open_items_by_actor,
)
from courts.access import court_for_user, courts_for_user
from planning.capacity import DEFAULT_WEEKS, MAX_WEEKS, capacity_table
from planning.selectors import forecasts_by_court, statewide_forecast
from roster.selectors import readiness_day, roster_counts

from .. import serializers, shapes
from ..errors import ApiError
from ..permissions import CcporStaff, Scoped
from .base import ReadView

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
DEFAULT_STATUSES = (Onboarding.Status.ACTIVE, Onboarding.Status.LIVE)
ERRORS = {code: serializers.Error for code in (400, 401, 403, 404, 429)}


def _positive_int(value: str | None, default: int) -> int | None:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 1 else None


def _statuses(param: str) -> list[str]:
    if param == "all":
        return list(Onboarding.Status.values)
    if not param:
        return list(DEFAULT_STATUSES)
    statuses = [s.strip() for s in param.split(",") if s.strip()]
    unknown = sorted(set(statuses) - set(Onboarding.Status.values))
    if unknown:
        allowed = ", ".join([*Onboarding.Status.values, "all"])
        raise ApiError(
            400,
            "invalid_status",
            f"Unknown status {', '.join(unknown)}; use one or more of {allowed}.",
        )
    return statuses


def _rosters(onboardings, *, today) -> dict:
    """court id -> its roster's counts, judged as the dashboard's Roster column: on
    an open onboarding's Go-Live date (today once passed), else today; a court
    listed twice (`status=all`) by its open onboarding. One query."""
    open_statuses = (Onboarding.Status.ACTIVE, Onboarding.Status.LIVE)
    days = {}
    for o in sorted(onboardings, key=lambda o: o.status in open_statuses):
        is_open = o.status in open_statuses
        days[o.court_id] = readiness_day(o.go_live_date if is_open else None, today)
    return roster_counts(days, today=today)


class StaffReadView(ReadView):
    permission_classes = [Scoped, CcporStaff]


class OnboardingList(StaffReadView):
    @extend_schema(
        operation_id="onboardings_list",
        summary="Onboardings, soonest Go-Live first (CCPOR staff)",
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description="Comma-separated statuses, or all (default: active,live).",
            ),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description=f"At most {MAX_PAGE_SIZE}."
            ),
        ],
        responses={200: serializers.OnboardingPage, **ERRORS},
    )
    def get(self, request):
        """A fixed number of queries, however many onboardings."""
        today = today_in_california()
        statuses = _statuses(request.GET.get("status", ""))
        page_number = _positive_int(request.GET.get("page"), 1)
        page_size = _positive_int(request.GET.get("page_size"), PAGE_SIZE)
        if page_number is None or page_size is None:
            raise ApiError(
                400, "invalid_page", "page and page_size must be whole numbers from 1."
            )
        page_size = min(page_size, MAX_PAGE_SIZE)
        onboardings = (
            Onboarding.objects.filter(
                court__in=courts_for_user(request.user), status__in=statuses
            )
            # The forecast (planning) is joined: no query more.
            .select_related("court", "forecast")
            .order_by("go_live_date", "court__name", "pk")
        )
        paginator = Paginator(onboardings, page_size)
        try:
            page = paginator.page(page_number)
        except EmptyPage:
            raise Http404(f"There is no page {page_number}.") from None
        rows = onboardings_with_status(page.object_list, today=today)
        by_actor = open_items_by_actor([o.pk for o in rows], today=today)
        baselines = go_live_baselines(rows)
        rosters = _rosters(rows, today=today)

        def link(number):
            query = request.GET.copy()
            query["page"] = number
            return request.build_absolute_uri(f"?{query.urlencode()}")

        return Response(
            {
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "page_size": page_size,
                "next": link(page.next_page_number()) if page.has_next() else None,
                "previous": (
                    link(page.previous_page_number()) if page.has_previous() else None
                ),
                "today": today,
                "results": [
                    shapes.onboarding_json(
                        request,
                        o,
                        by_actor[o.pk],
                        baseline=baselines[o.pk],
                        roster=rosters[o.court_id],
                        today=today,
                    )
                    for o in rows
                ],
            }
        )


class OnboardingDetail(StaffReadView):
    @extend_schema(
        operation_id="onboardings_detail",
        summary="A court's current onboarding with its open items (CCPOR staff)",
        responses={200: serializers.OnboardingDetail, **ERRORS},
    )
    def get(self, request, slug: str):
        """The open onboarding, else the latest; open items soonest due first."""
        today = today_in_california()
        court = court_for_user(request.user, slug)
        onboarding = court_current_onboarding(court)
        if onboarding is None:
            raise Http404(f"{court} has no onboarding.")
        onboardings_with_status([onboarding], today=today)
        by_actor = open_items_by_actor([onboarding.pk], today=today)
        items = (
            onboarding.items.open()
            .select_related("phase", "owner")
            .order_by("due_date", "order")
        )
        baseline = go_live_baseline(onboarding)
        body = shapes.onboarding_json(
            request,
            onboarding,
            by_actor[onboarding.pk],
            baseline=baseline,
            roster=_rosters([onboarding], today=today)[court.pk],
            today=today,
        )
        body["go_live_moves"] = shapes.go_live_moves_json(baseline)
        body["today"] = today
        body["open_items"] = [shapes.open_item_json(i, today=today) for i in items]
        return Response(body)


class Forecast(StaffReadView):
    @extend_schema(
        operation_id="forecast",
        summary="Every active onboarding's forecast from pace, and the statewide one",
        responses={200: serializers.Forecast, **ERRORS},
    )
    def get(self, request):
        """Two queries. A court whose forecast is not made yet has null dates."""
        statewide = statewide_forecast()
        return Response(
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


class Capacity(StaffReadView):
    @extend_schema(
        operation_id="capacity",
        summary="The CCPOR Team's load against capacity by week and role (hours)",
        parameters=[
            OpenApiParameter(
                "weeks",
                OpenApiTypes.INT,
                description=f"1 to {MAX_WEEKS} (default {DEFAULT_WEEKS}).",
            )
        ],
        responses={200: serializers.Capacity, **ERRORS},
    )
    def get(self, request):
        """From the Monday of this week; anything but a whole number of weeks from
        1 to 52 answers 400. A fixed number of queries."""
        weeks = _positive_int(request.GET.get("weeks"), DEFAULT_WEEKS)
        if weeks is None or weeks > MAX_WEEKS:
            raise ApiError(
                400,
                "bad_request",
                f"weeks must be a whole number from 1 to {MAX_WEEKS}.",
            )
        cells = capacity_table(today=today_in_california(), weeks=weeks)
        return Response({"weeks": [cell.as_json() for cell in cells]})

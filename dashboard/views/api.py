"""Read-only JSON API of onboardings, for CCPOR staff (docs/guide-ccpor-team.md).

    GET /api/onboardings/                 the list (paginated)
    GET /api/onboardings/<court-slug>/    one court's current onboarding

Authentication: the browser session, or `Authorization: Token <User.api_token>`.
No credentials or a bad token answer 401; a signed-in person who is not CCPOR staff
answers 403; a court that does not exist answers 404. Errors are JSON too:
`{"error": "<code>", "detail": "<sentence>"}`.

Plain Django views and JsonResponse: two read-only endpoints do not justify Django REST
framework and its settings, and the shapes below are the whole contract.
"""

import datetime
import functools

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from accounts.selectors import user_for_api_token
from ccpor_onboard.lib.dates import today_in_california
from checklists.health import Health
from checklists.marks import Mark, marks_for
from checklists.models import ChecklistItem, Onboarding
from checklists.selectors import (
    Baseline,
    court_current_onboarding,
    go_live_baseline,
    go_live_baselines,
    onboardings_with_status,
)
from courts.access import court_for_user, courts_for_user, is_ccpor_staff

from ..selectors import open_items_by_actor

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
DEFAULT_STATUSES = (Onboarding.Status.ACTIVE, Onboarding.Status.LIVE)


# --- Responses and authentication -----------------------------------------------
def _error(status: int, code: str, detail: str) -> JsonResponse:
    response = JsonResponse({"error": code, "detail": detail}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Token realm="api"'
    return response


def _api_user(request):
    """(user, None) for CCPOR staff, else (None, a 401 or 403 response)."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "token" or not key:
            return None, _error(
                401,
                "not_authenticated",
                "Send the header as: Authorization: Token <your API token>.",
            )
        user = user_for_api_token(key)
        if user is None:
            return None, _error(401, "invalid_token", "The API token is not valid.")
    else:
        user = request.user
        if not user.is_authenticated:
            return None, _error(
                401,
                "not_authenticated",
                "Sign in, or send Authorization: Token <your API token>.",
            )
    if not is_ccpor_staff(user):
        return None, _error(
            403, "permission_denied", "The API is for CCPOR Team staff only."
        )
    return user, None


def api_view(view):
    """GET only, CCPOR staff only, errors as JSON, never cached by shared caches."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _error(
                405, "method_not_allowed", "The API is read-only: use GET."
            )
            response["Allow"] = "GET, HEAD"
            return response
        user, response = _api_user(request)
        if response is None:
            try:
                response = view(request, user, *args, **kwargs)
            except Http404 as exc:
                response = _error(404, "not_found", str(exc) or "Not found.")
        patch_vary_headers(response, ["Authorization", "Cookie"])
        patch_cache_control(response, private=True, no_store=True)
        return response

    # Nothing here writes, so CSRF has nothing to protect; exempting lets a POST get
    # the API's JSON 405 instead of the HTML CSRF page.
    wrapper.csrf_exempt = True
    return wrapper


# --- Shapes ---------------------------------------------------------------------
def _progress(progress) -> dict:
    return {
        "finished": progress.finished,
        "total": progress.total,
        "percent": progress.percent,
    }


def _mark_json(mark: Mark) -> dict:
    return {"name": mark.name, "date": mark.date, "days_to": mark.days_to}


def onboarding_json(
    request, onboarding: Onboarding, by_actor: dict, *, baseline: Baseline, today
) -> dict:
    """The API's representation of one onboarding (with `.state` attached)."""
    court = onboarding.court
    state = onboarding.state
    phase = state.current_phase
    return {
        "url": request.build_absolute_uri(
            reverse("dashboard:api_onboarding_detail", kwargs={"slug": court.slug})
        ),
        "court": {
            "name": court.name,
            "slug": court.slug,
            "type": court.court_type,
            "district": court.district,
            "county": court.county,
            "page": request.build_absolute_uri(court.get_absolute_url()),
        },
        "status": onboarding.status,
        "go_live_date": onboarding.go_live_date,
        # The Go-Live first planned, how far it has moved since (later is
        # positive) and how many times.
        "baseline_go_live": baseline.original,
        "slip_days": baseline.slip_days,
        "go_live_move_count": len(baseline.moves),
        # The day it actually went live (None before), and the countdown only until
        # then.
        "went_live_on": onboarding.went_live_on,
        "days_to_go_live": (
            state.days_to_go_live
            if onboarding.status == Onboarding.Status.ACTIVE
            else None
        ),
        "phase": {"name": phase.name, "slug": phase.slug} if phase else None,
        "progress": _progress(state.progress),
        "phases": [
            {"name": p.name, "slug": p.slug, **_progress(progress)}
            for p, progress in state.phases
        ],
        "health": state.health or None,
        "health_label": Health.LABELS.get(state.health) or None,
        "marks": [
            _mark_json(mark) for mark in marks_for(onboarding.go_live_date, today=today)
        ],
        "next_mark": _mark_json(state.next_mark) if state.next_mark else None,
        "overdue_count": state.overdue_count,
        "blocked_count": state.blocked_count,
        "open_items_by_actor": by_actor["open"],
        "overdue_items_by_actor": by_actor["overdue"],
        "forecast": _forecast_json(onboarding),
    }


def _forecast_json(onboarding: Onboarding) -> dict | None:
    """The active onboarding's forecast from pace (planning), read with it
    (`select_related("forecast")`), or None."""
    forecast = getattr(onboarding, "forecast", None)
    if forecast is None or onboarding.status != Onboarding.Status.ACTIVE:
        return None
    return {
        "as_of": forecast.as_of,
        "target_go_live": forecast.target,
        "p50": forecast.p50,
        "p85": forecast.p85,
        "slipping": forecast.slipping,
    }


def _item_json(item: ChecklistItem, *, today: datetime.date) -> dict:
    overdue = item.is_overdue_on(today)
    return {
        "order": item.order,
        "title": item.title,
        "phase": item.phase.slug,
        "actor": item.actor,
        "kind": item.kind,
        "status": item.status,
        "due_date": item.due_date,
        "overdue": overdue,
        "days_overdue": (today - item.due_date).days if overdue else 0,
        "owner": (
            {"name": str(item.owner), "email": item.owner.email} if item.owner else None
        ),
    }


def _positive_int(value: str | None, default: int) -> int | None:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 1 else None


# --- Views ----------------------------------------------------------------------
@api_view
def onboarding_list(request, user):
    """Onboardings, soonest Go-Live first; `?status=` (comma-separated or "all"),
    `?page=`, `?page_size=` (at most MAX_PAGE_SIZE). A fixed number of queries."""
    today = today_in_california()
    status_param = request.GET.get("status", "")
    if status_param == "all":
        statuses = list(Onboarding.Status.values)
    elif status_param:
        statuses = [s.strip() for s in status_param.split(",") if s.strip()]
        unknown = sorted(set(statuses) - set(Onboarding.Status.values))
        if unknown:
            allowed = ", ".join([*Onboarding.Status.values, "all"])
            return _error(
                400,
                "invalid_status",
                f"Unknown status {', '.join(unknown)}; use one or more of {allowed}.",
            )
    else:
        statuses = list(DEFAULT_STATUSES)
    page_number = _positive_int(request.GET.get("page"), 1)
    page_size = _positive_int(request.GET.get("page_size"), PAGE_SIZE)
    if page_number is None or page_size is None:
        return _error(
            400, "invalid_page", "page and page_size must be whole numbers from 1."
        )
    page_size = min(page_size, MAX_PAGE_SIZE)
    onboardings = (
        Onboarding.objects.filter(court__in=courts_for_user(user), status__in=statuses)
        # The forecast (planning) is joined: no query more.
        .select_related("court", "forecast")
        .order_by("go_live_date", "court__name", "pk")
    )
    paginator = Paginator(onboardings, page_size)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        return _error(404, "not_found", f"There is no page {page_number}.")
    rows = onboardings_with_status(page.object_list, today=today)
    by_actor = open_items_by_actor([o.pk for o in rows], today=today)
    baselines = go_live_baselines(rows)

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"?{query.urlencode()}")

    return JsonResponse(
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
                onboarding_json(
                    request, o, by_actor[o.pk], baseline=baselines[o.pk], today=today
                )
                for o in rows
            ],
        }
    )


@api_view
def onboarding_detail(request, user, slug: str):
    """A court's current onboarding (the open one, else the latest) with its open
    items, soonest due first."""
    today = today_in_california()
    court = court_for_user(user, slug)
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
    body = onboarding_json(
        request, onboarding, by_actor[onboarding.pk], baseline=baseline, today=today
    )
    body["go_live_moves"] = [
        {
            "from": move.old_date,
            "to": move.new_date,
            "days": move.days,
            "reason": move.reason,
            "by": str(move.changed_by) if move.changed_by else None,
            "at": move.changed_at,
        }
        for move in baseline.moves
    ]
    body["today"] = today
    body["open_items"] = [_item_json(item, today=today) for item in items]
    return JsonResponse(body)

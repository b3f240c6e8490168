"""Writes of planning: the forecasts (each active onboarding's and the statewide
one), made by planning.tasks after a change and nightly, and by the `forecast`
command."""

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction

from checklists.models import Onboarding

from . import forecast, selectors
from .models import Forecast, StatewideForecast

logger = logging.getLogger(__name__)

# Onboardings forecast per batch of reads (the nightly run does them all).
BATCH_SIZE = 500


def forecasts_refresh(
    *, today: datetime.date, onboarding_ids: Iterable[int] | None = None
) -> int:
    """Make and store the forecast of these onboardings as of `today` (every active
    one when None); an onboarding no longer active loses its forecast. Then the
    statewide forecast. Returns how many forecasts were stored. The same history
    and day always give the same forecasts (seeded by onboarding)."""
    if onboarding_ids is None:
        ids = list(
            Onboarding.objects.filter(status=Onboarding.Status.ACTIVE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Forecast.objects.exclude(onboarding__status=Onboarding.Status.ACTIVE).delete()
    else:
        asked = sorted(set(onboarding_ids))
        ids = list(
            Onboarding.objects.filter(
                pk__in=asked, status=Onboarding.Status.ACTIVE
            ).values_list("pk", flat=True)
        )
        Forecast.objects.filter(onboarding_id__in=set(asked) - set(ids)).delete()
    pooled = selectors.item_durations() if ids else {}
    stored = 0
    for start in range(0, len(ids), BATCH_SIZE):
        history = selectors.forecast_history(ids[start : start + BATCH_SIZE])
        rows = [
            _forecast(entry, pooled=pooled, today=today) for entry in history.values()
        ]
        with transaction.atomic():
            Forecast.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["onboarding"],
                update_fields=[
                    "as_of",
                    "target",
                    "p50",
                    "p85",
                    "remaining",
                    "quantiles",
                    "computed_at",
                ],
            )
        stored += len(rows)
    statewide_forecast_refresh(today=today)
    return stored


def _forecast(entry: dict, *, pooled: dict, today: datetime.date) -> Forecast:
    onboarding: Onboarding = entry["onboarding"]
    outcome = forecast.simulate(
        work=entry["work"],
        lateness=forecast.pace(
            finished=entry["finished"], open_dues=entry["open_dues"], today=today
        ),
        durations=selectors.durations_without(pooled, onboarding.court_id),
        started_on=selectors.local_day(onboarding.created_at),
        today=today,
        seed=onboarding.pk,
    )
    return Forecast(
        onboarding=onboarding,
        as_of=today,
        target=onboarding.go_live_date,
        p50=outcome.p50,
        p85=outcome.p85,
        remaining=outcome.remaining,
        quantiles=outcome.quantiles,
    )


def statewide_forecast_refresh(*, today: datetime.date) -> StatewideForecast:
    """Make and store (for `today`) the forecast of when every open onboarding will
    be live, from the stored forecasts of the active ones (the live ones are live
    already)."""
    rows = list(
        Forecast.objects.filter(
            onboarding__status=Onboarding.Status.ACTIVE
        ).values_list("as_of", "quantiles")
    )
    dates = forecast.all_live(rows, seed=today.toordinal())
    open_count = Onboarding.objects.open().count()
    p50, p85 = dates if dates else (None, None)
    statewide, _ = StatewideForecast.objects.update_or_create(
        as_of=today,
        defaults={
            "open_onboardings": open_count,
            "all_live_p50": p50,
            "all_live_p85": p85,
        },
    )
    return statewide

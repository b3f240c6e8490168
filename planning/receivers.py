"""What planning does when the apps below it announce a change or ask: queue the
forecast of the onboardings whose items changed, once the change is committed,
at most once a minute per onboarding (a bulk change queues one run); answer
whether a Go-Live window fits the CCPOR Team's capacity; record the reason when
staff keep one that does not."""

import logging
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from checklists.signals import go_live_window, go_live_window_kept, items_changed

logger = logging.getLogger(__name__)

# Changes within this many seconds of the first are forecast by one run.
DEBOUNCE_SECONDS = 60
# A change to more onboardings at once than this (a bulk load of data) queues
# nothing: the nightly run forecasts them.
MAX_QUEUED = 50


@receiver(items_changed)
def queue_forecast(sender, onboarding_ids, **kwargs) -> None:
    ids = sorted(set(onboarding_ids))
    if len(ids) > MAX_QUEUED:
        return
    for onboarding_id in ids:
        transaction.on_commit(partial(schedule_forecast, onboarding_id), robust=True)


def schedule_forecast(onboarding_id: int) -> None:
    """Run the onboarding's forecast in DEBOUNCE_SECONDS, unless a run is already
    waiting (it will see this change too). Without the cache, queue it anyway."""
    from .tasks import forecast_onboarding

    try:
        first = cache.add(
            f"planning:forecast:{onboarding_id}", 1, timeout=DEBOUNCE_SECONDS
        )
    except Exception:  # noqa: BLE001 - without the cache, queue anyway
        logger.warning("Cache unavailable; queueing forecast of %s", onboarding_id)
        first = True
    if first:
        forecast_onboarding.apply_async(
            kwargs={"onboarding_id": onboarding_id}, countdown=DEBOUNCE_SECONDS
        )


@receiver(go_live_window)
def check_capacity(
    sender,
    onboarding,
    template,
    court_enters_carpos,
    so_participates,
    go_live_date,
    today,
    **kwargs,
):
    """The capacity check of a start (`onboarding` None) or a move of Go-Live."""
    from . import capacity

    if onboarding is None:
        plan = capacity.start_plan(
            template=template,
            court_enters_carpos=court_enters_carpos,
            so_participates=so_participates,
        )
    else:
        plan = capacity.reschedule_plan(onboarding)
    return capacity.window_check(
        plan,
        go_live_date,
        today=today,
        exclude_onboarding=onboarding.pk if onboarding is not None else None,
        current_go_live=onboarding.go_live_date if onboarding is not None else None,
    )


@receiver(go_live_window_kept)
def record_capacity_override(sender, onboarding, kind, problems, reason, by, **kwargs):
    from .services import capacity_override_record

    for problem in problems:
        if hasattr(problem, "over"):
            capacity_override_record(
                onboarding=onboarding, kind=kind, check=problem, reason=reason, by=by
            )

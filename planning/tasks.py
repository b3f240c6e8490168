"""Celery tasks of planning: thin wrappers that pin "today" and call the services."""

import datetime
import logging

from celery import shared_task

from ccpor_onboard.lib.dates import today_in_california

from . import services

logger = logging.getLogger(__name__)


def _day(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else today_in_california()


@shared_task(name="planning.forecast_onboarding", ignore_result=True)
def forecast_onboarding(onboarding_id: int, today: str | None = None) -> int:
    """Forecast one onboarding again (queued after a change to its items)."""
    return services.forecasts_refresh(today=_day(today), onboarding_ids=[onboarding_id])


@shared_task(name="planning.forecast_all", ignore_result=True)
def forecast_all(today: str | None = None) -> int:
    """The nightly run (beat): every active onboarding, then the statewide one."""
    day = _day(today)
    stored = services.forecasts_refresh(today=day)
    logger.info("planning.forecast_all for %s: %d forecasts", day, stored)
    return stored

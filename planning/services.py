"""Writes of planning: the forecasts (each active onboarding's and the statewide
one), made by planning.tasks after a change and nightly, and by the `forecast`
command; the record of a start or move kept over capacity; an absence and a
team member's hours a week; a learned lead time accepted into a new template
version."""

import datetime
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from ccpor_onboard.lib.bounds import validate_values
from checklists import services as checklists
from checklists.models import ChecklistTemplate, Onboarding
from courts.access import is_ccpor_staff

from . import forecast, selectors
from .capacity import WindowCheck
from .lead_times import lead_time_of
from .models import (
    Absence,
    CapacityOverride,
    Forecast,
    ItemEffort,
    LeadTimeAdoption,
    StatewideForecast,
    TeamMember,
)

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


def capacity_override_record(
    *, onboarding: Onboarding, kind: str, check: WindowCheck, reason: str, by
) -> CapacityOverride:
    """Record that staff kept a Go-Live over the team's capacity, and why (sent by
    the start and reschedule services through `go_live_window_kept`, inside their
    transaction)."""
    return CapacityOverride.objects.create(
        onboarding=onboarding,
        kind=kind,
        go_live_date=check.go_live,
        proposed_date=check.proposed,
        over_committed=[cell.as_json() for cell in check.over],
        reason=reason,
        by=by,
    )


def absence_record(
    *,
    member: TeamMember,
    first_day: datetime.date,
    last_day: datetime.date,
    note: str = "",
    by,
) -> Absence:
    """Record a team member's absence (CCPOR staff)."""
    if not is_ccpor_staff(by):
        raise ValidationError("Only the CCPOR Team records the team's absences.")
    note = (note or "").strip()
    validate_values(Absence, first_day=first_day, last_day=last_day, note=note)
    if last_day < first_day:
        raise ValidationError({"last_day": "The last day comes after the first."})
    return Absence.objects.create(
        member=member, first_day=first_day, last_day=last_day, note=note
    )


def member_hours_set(*, member: TeamMember, hours_per_week, by) -> TeamMember:
    """Set the hours a week a team member gives their role (CCPOR staff): the
    capacity of the role from this week on follows (past weeks are not kept)."""
    if not is_ccpor_staff(by):
        raise ValidationError("Only the CCPOR Team records the team's hours.")
    if hours_per_week is None:
        raise ValidationError({"hours_per_week": "Give the hours a week."})
    validate_values(TeamMember, hours_per_week=hours_per_week)
    member.hours_per_week = hours_per_week
    member.save(update_fields=["hours_per_week"])
    return member


def lead_time_accept(
    *, template: ChecklistTemplate, order: int, by, reason: str = ""
) -> ChecklistTemplate:
    """Accept the offset proposed from finished onboardings for one item into a
    new version of the template (its efforts copied), recorded with what was
    learned. New onboardings start from it; running ones keep their items."""
    if not is_ccpor_staff(by):
        raise ValidationError("Only the CCPOR Team changes a template.")
    reason = (reason or "").strip()
    validate_values(LeadTimeAdoption, reason=reason)
    learned = lead_time_of(template, order)
    if learned is None or learned.proposed_offset is None:
        raise ValidationError(
            "Nothing to accept: finished onboardings propose no other offset for "
            "this item."
        )
    with transaction.atomic():
        new = checklists.template_new_version(
            template=template, offsets={order: learned.proposed_offset}, by=by
        )
        _copy_efforts(template, new)
        LeadTimeAdoption.objects.create(
            template=new,
            order=order,
            title=learned.title,
            old_offset=learned.offset,
            new_offset=learned.proposed_offset,
            median_days=learned.median_days,
            courts=learned.courts,
            reason=reason,
            by=by,
        )
    return new


def _copy_efforts(old: ChecklistTemplate, new: ChecklistTemplate) -> None:
    by_order = {t.order: t for t in new.items.all()}
    ItemEffort.objects.bulk_create(
        ItemEffort(
            template_item=by_order[e.template_item.order],
            role_id=e.role_id,
            hours=e.hours,
            spread_weeks=e.spread_weeks,
        )
        for e in ItemEffort.objects.filter(template_item__template=old).select_related(
            "template_item"
        )
        if e.template_item.order in by_order
    )

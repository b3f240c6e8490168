"""The demo's history for planning: onboardings finished in the past, each item
done on its own seeded day (a court's habit of lateness, DOJ approvals slower
than the template allows), so that the forecast, the lead times and the capacity
view have something to learn from; a wave; and a trainer's week away that
over-commits the trainers.

History cannot be typed through the services (they stamp today's time), so the
finished onboardings are started through the start service and their past is
then written in one bulk update per onboarding: per-item dates, never one date
for all. Recorded as imported from the earlier tracking spreadsheet.
"""

import datetime
import random
import zlib

from django.utils import timezone

from checklists import services as checklists
from checklists.models import ChecklistItem, Onboarding
from courts.models import Court
from planning.models import Absence, TeamMember, Wave, WaveCourt, monday_of
from planning.services import forecasts_refresh

DAY = datetime.timedelta(days=1)
# court slug, days from today to its Go-Live (past), closed (else live), its habit
# of lateness in days (a range drawn from per item)
FINISHED = [
    ("yolo", -300, True, (-2, 4)),
    ("tulare", -240, True, (0, 8)),
    ("ventura", -190, True, (-1, 5)),
    ("placer", -130, False, (2, 10)),
    ("sonoma", -75, False, (0, 6)),
]
# DOJ approval (item 18) takes this many days more than the template allows.
DOJ_EXTRA = (8, 20)
IMPORTED = "Imported from the tracking spreadsheet (demo history)."


def _moment(day: datetime.date, hour: int = 17) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_history(*, today: datetime.date, by) -> int:
    created = 0
    for slug, days, closed, habit in FINISHED:
        court = Court.objects.filter(slug=slug).first()
        if court is None or court.onboardings.exists():
            continue
        _finished(court, today=today, days=days, closed=closed, habit=habit, by=by)
        created += 1
    _wave(today=today)
    _trainer_away(today=today)
    forecasts_refresh(today=today)
    return created


def _finished(court, *, today, days, closed, habit, by) -> None:
    go_live = today + days * DAY
    started = go_live - 180 * DAY
    onboarding = checklists.onboarding_start(
        court=court,
        go_live_date=go_live,
        court_enters_carpos=True,
        so_participates=True,
        started_by=by,
        today=started,
    )
    rng = random.Random(zlib.crc32(court.slug.encode()))  # noqa: S311 - demo data
    items = list(onboarding.items.prefetch_related("depends_on").order_by("order"))
    done: dict[int, datetime.date] = {}
    for item in items:
        day = item.due_date + rng.randint(*habit) * DAY
        if item.order == 18:
            day = item.due_date + rng.randint(*DOJ_EXTRA) * DAY
        after = [done[d.pk] for d in item.depends_on.all() if d.pk in done]
        day = max([day, started, *after])
        if item.due_date <= go_live:
            day = min(day, go_live)  # the court went live once its work was done
        day = min(day, today)
        done[item.pk] = day
        item.status = ChecklistItem.Status.DONE
        item.completed_at = _moment(day)
        item.completed_by = by
        item.note = IMPORTED
    ChecklistItem.objects.bulk_update(
        items, ["status", "completed_at", "completed_by", "note"]
    )
    Onboarding.objects.filter(pk=onboarding.pk).update(
        created_at=_moment(started, 16),
        status=Onboarding.Status.CLOSED if closed else Onboarding.Status.LIVE,
        went_live_on=go_live,
        status_changed_at=_moment(go_live),
    )
    checklists.onboarding_summaries_refresh(onboarding_ids=[onboarding.pk])


def _wave(*, today) -> None:
    wave, made = Wave.objects.get_or_create(
        name="Wave 2: Central Valley",
        defaults={
            "window_start": today,
            "window_end": today + 45 * DAY,
            "description": "The courts of the Fifth District going live this spring.",
        },
    )
    if made:
        for slug in ("fresno", "kern", "riverside", "santa-clara"):
            court = Court.objects.filter(slug=slug).first()
            if court is not None:
                WaveCourt.objects.get_or_create(court=court, defaults={"wave": wave})


def _trainer_away(*, today) -> None:
    """The trainer is away the week Fresno's end-user training is due."""
    trainer = TeamMember.objects.filter(role__name="Trainer").first()
    fresno = Onboarding.objects.filter(
        court__slug="fresno", status=Onboarding.Status.ACTIVE
    ).first()
    if trainer is None or fresno is None or trainer.absences.exists():
        return
    week = monday_of(fresno.go_live_date - 10 * DAY)
    Absence.objects.create(
        member=trainer,
        first_day=week,
        last_day=week + 4 * DAY,
        note="Annual leave",
    )

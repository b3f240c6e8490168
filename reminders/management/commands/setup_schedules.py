"""Create (or update) the django-celery-beat schedules of the reminder tasks.

Idempotent and safe on every start (`make run` calls it): a schedule that exists is
left as it is, so times changed in the admin survive; `--reset` or an explicit time,
day or time zone sets it from the command line.
"""

import re
import zoneinfo
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

DEFAULT_TIMEZONE = "America/Los_Angeles"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    description: str
    time: str
    day_of_week: str


REMINDERS = Schedule(
    name="CCPOR reminders at the 60- and 30-day marks",
    task="reminders.send_due_reminders",
    description="Daily sweep: e-mails each court its 60-day and 30-day reminders.",
    time="07:00",
    day_of_week="*",
)
DIGEST = Schedule(
    name="CCPOR weekly digest of overdue items",
    task="reminders.send_weekly_digest",
    description="Weekly: one e-mail per member listing their organisation's overdue "
    "items (members can opt out on their profile).",
    time="07:00",
    day_of_week="mon",
)


# The notifications' backstop: batches whose own task was lost go out within minutes.
NOTIFICATIONS = Schedule(
    name="CCPOR notifications left waiting",
    task="notifications.send_pending",
    description="Every 5 minutes: sends notification batches whose own task was lost "
    "(each batch normally has its own task a few minutes after the change).",
    time="*/5",
    day_of_week="*",
)

# The incident mail's backstop: a mail whose task was lost, or whose worker died
# holding it, goes out within minutes.
INCIDENT_MAIL = Schedule(
    name="CCPOR incident mail left waiting",
    task="golive.send_pending_incident_mail",
    description="Every 5 minutes: sends incident mail still owed whose own task was "
    "lost (each new incident's mail normally has its own task at once).",
    time="*/5",
    day_of_week="*",
)


# The webhooks' backstop: a delivery whose task was lost goes out within minutes.
WEBHOOKS = Schedule(
    name="CCPOR webhook deliveries left waiting",
    task="webhooks.send_pending",
    description="Every 5 minutes: sends webhook deliveries still owed whose own task "
    "was lost (each event's delivery normally has its own task at once).",
    time="*/5",
    day_of_week="*",
)


# The nightly forecast of every active onboarding and the statewide one (planning);
# each change to an onboarding's items also forecasts it again within a minute.
FORECAST = Schedule(
    name="CCPOR nightly forecasts",
    task="planning.forecast_all",
    description="Nightly: forecasts each active onboarding's ready date from its "
    "pace, and when every open onboarding will be live.",
    time="02:00",
    day_of_week="*",
)


def _time(value: str) -> tuple[str, str]:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value or "")
    if not match:
        raise CommandError(f"“{value}” is not a time; use HH:MM, e.g. 07:00.")
    return str(int(match[1])), str(int(match[2]))


class Command(BaseCommand):
    help = (
        "Create the Celery beat schedules: reminders daily at 07:00 and the digest "
        "on Mondays at 07:00, the forecasts nightly at 02:00, America/Los_Angeles, "
        "and the backstops of the notifications and the incident mail every 5 "
        "minutes (idempotent; edits "
        "made in the admin are kept unless --reset or an explicit option is given)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reminders-at", metavar="HH:MM", help="Default 07:00.")
        parser.add_argument("--digest-at", metavar="HH:MM", help="Default 07:00.")
        parser.add_argument(
            "--digest-day", choices=DAYS, help="Day of the digest; default mon."
        )
        parser.add_argument(
            "--timezone", help=f"Time zone of the times; default {DEFAULT_TIMEZONE}."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Set both schedules to their defaults (or the options given).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        tz_name = options["timezone"] or DEFAULT_TIMEZONE
        try:
            tz = zoneinfo.ZoneInfo(tz_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"“{tz_name}” is not a known time zone.") from None
        reset = options["reset"] or options["timezone"] is not None
        self._ensure(
            REMINDERS,
            time=options["reminders_at"] or REMINDERS.time,
            day_of_week=REMINDERS.day_of_week,
            tz=tz,
            update=reset or options["reminders_at"] is not None,
        )
        self._ensure(
            DIGEST,
            time=options["digest_at"] or DIGEST.time,
            day_of_week=options["digest_day"] or DIGEST.day_of_week,
            tz=tz,
            update=reset
            or options["digest_at"] is not None
            or options["digest_day"] is not None,
        )
        self._ensure(
            FORECAST,
            time=FORECAST.time,
            day_of_week=FORECAST.day_of_week,
            tz=tz,
            update=reset,
        )
        for backstop in (NOTIFICATIONS, INCIDENT_MAIL, WEBHOOKS):
            self._ensure_every_few_minutes(backstop, reset=options["reset"])

    def _ensure_every_few_minutes(self, schedule: Schedule, *, reset: bool) -> None:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=schedule.time,
            hour="*",
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=zoneinfo.ZoneInfo(DEFAULT_TIMEZONE),
        )
        task, created = PeriodicTask.objects.get_or_create(
            name=schedule.name,
            defaults={
                "task": schedule.task,
                "crontab": crontab,
                "description": schedule.description,
            },
        )
        if not created and reset:
            task.task, task.crontab, task.interval = schedule.task, crontab, None
            task.description, task.enabled = schedule.description, True
            task.save()
        verb = "Created" if created else "Updated" if reset else "Kept"
        self.stdout.write(f"{verb}: {schedule.name} ({task.crontab or task.schedule})")

    def _ensure(
        self,
        schedule: Schedule,
        *,
        time: str,
        day_of_week: str,
        tz: zoneinfo.ZoneInfo,
        update: bool,
    ) -> None:
        hour, minute = _time(time)
        task = PeriodicTask.objects.filter(name=schedule.name).first()
        if task is not None and not update:
            if task.task != schedule.task:
                task.task = schedule.task
                task.save(update_fields=["task"])
            self.stdout.write(
                f"Kept: {schedule.name} ({task.crontab or task.schedule})"
            )
            return
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone=tz,
        )
        values = {
            "task": schedule.task,
            "crontab": crontab,
            "interval": None,
            "solar": None,
            "clocked": None,
            "description": schedule.description,
            "kwargs": "{}",
            "one_off": False,
        }
        if task is None:
            PeriodicTask.objects.create(name=schedule.name, enabled=True, **values)
            verb = "Created"
        else:
            for name, value in values.items():
                setattr(task, name, value)
            task.save()
            verb = "Updated"
        self.stdout.write(f"{verb}: {schedule.name} ({crontab})")

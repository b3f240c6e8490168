"""The reminder sweep's heartbeat, as a /healthz check (a dead-man's switch).

Beat runs the sweep daily; every run that finishes records a SweepRun. No run in
REMINDER_SWEEP_MAX_AGE_HOURS (26: a day and a margin) means beat, the workers or the
sweep itself stopped, and reminders are silently not going out: /healthz answers 503.
"""

import datetime

from django.conf import settings
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from ccpor_onboard.lib.health import CheckResult

from .models import SweepRun
from .selectors import last_sweep_run


def _installed_at() -> datetime.datetime | None:
    """When the reminders app's first migration was applied."""
    first = (
        MigrationRecorder.Migration.objects.filter(app="reminders")
        .order_by("applied")
        .first()
    )
    return first.applied if first else None


def _when(run: SweepRun | None) -> str | None:
    return run.finished_at.isoformat() if run else None


def reminder_sweep_check() -> CheckResult:
    max_age = datetime.timedelta(hours=settings.REMINDER_SWEEP_MAX_AGE_HOURS)
    last = last_sweep_run(SweepRun.Kind.REMINDERS)
    data = {
        "last_success": _when(last),
        "max_age_hours": settings.REMINDER_SWEEP_MAX_AGE_HOURS,
        "last_digest": _when(last_sweep_run(SweepRun.Kind.DIGEST)),
    }
    if last is None:
        # A new installation gets one period of grace, counted from when this app's
        # tables were made, for beat's first daily run.
        installed = _installed_at()
        data["installed_at"] = installed.isoformat() if installed else None
        if installed is not None and timezone.now() - installed <= max_age:
            return CheckResult(
                True, "no sweep yet: installed less than a day ago", data
            )
        return CheckResult(False, "no reminder sweep has ever finished", data)
    age = timezone.now() - last.finished_at
    data["age_hours"] = round(age.total_seconds() / 3600, 1)
    if age > max_age:
        return CheckResult(
            False,
            f"no reminder sweep for {data['age_hours']} hours "
            f"(more than {settings.REMINDER_SWEEP_MAX_AGE_HOURS})",
            data,
        )
    return CheckResult(True, "ok", data)

"""What a sweep (reminders, roster reminders, the weekly digest) reports: each
mail's outcome in a line, and the heartbeat /healthz reads."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from notifications import outbox

from .models import SendStatus, SweepRun


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    RETRY = "will retry"
    ALREADY = "already done"
    TAKEN = "taken by another sweep"
    WOULD_SEND = "would send"
    WOULD_SKIP = "would skip"
    WOULD_FAIL = "would fail"


@dataclass(frozen=True)
class Line:
    """One thing a sweep did (or, in a dry run, would do), and why."""

    outcome: str
    target: str
    detail: str = ""


@dataclass
class SweepResult:
    today: datetime.date
    dry_run: bool = False
    lines: list[Line] = field(default_factory=list)

    def add(self, outcome: str, target: str, detail: str = "") -> None:
        self.lines.append(Line(outcome, target, detail))

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def retry_later(self) -> bool:
        """A mail failed for a reason that may pass (the mail server): try again."""
        return self.count(Outcome.RETRY) > 0

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.lines:
            counts[line.outcome] = counts.get(line.outcome, 0) + 1
        return counts


def _report(
    result: SweepResult,
    target: str,
    sent: outbox.Attempt | None,
    *,
    to: Sequence[str] = (),
    note: str = "",
) -> None:
    """Say what became of one mail (None: another sweep had claimed it)."""
    if sent is None:
        result.add(Outcome.TAKEN, target, "another sweep is sending it or has sent it")
    elif sent.sent:
        detail = "to " + ", ".join(to)
        result.add(Outcome.SENT, target, f"{detail} ({note})" if note else detail)
    elif sent.retry_later:
        result.add(Outcome.RETRY, target, sent.error)
    elif sent.status == SendStatus.SKIPPED:
        result.add(Outcome.SKIPPED, target, sent.error)
    else:
        detail = f"gave up. {sent.error}" if sent.gave_up else sent.error
        result.add(Outcome.FAILED, target, detail)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _heartbeat(kind: str, *, today: datetime.date, result: SweepResult) -> None:
    """Record that a sweep ran to the end (what /healthz reads)."""
    SweepRun.objects.create(
        kind=kind, today=today, finished_at=timezone.now(), summary=result.summary()
    )

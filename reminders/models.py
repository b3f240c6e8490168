"""What the reminder sweep and the weekly digest did, one row per mail they owed."""

from django.conf import settings
from django.db import models

from ccpor_onboard.lib.bounds import IN_WINDOW
from checklists.marks import REMINDER_MARKS
from notifications.outbox import OutboxRow, SendStatus

__all__ = [
    "SKIP_REASON",
    "DigestLog",
    "ReminderLog",
    "SendRecord",
    "SendStatus",
    "SweepRun",
]

# Why a 60-day reminder is recorded as skipped (kept in the log row's `error`).
SKIP_REASON = "The 30-day mark had also come: only the 30-day reminder is sent."


class SendRecord(OutboxRow):
    """What a reminder and a digest row share: the outbox's claim and outcome, and
    to whom the mail went."""

    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True


class ReminderLog(SendRecord):
    """One reminder owed for one onboarding at one mark, for one Go-Live date.

    Keyed on the Go-Live date so that moving the date re-arms the marks: a reminder
    sent for the old date does not count for the new one.
    """

    # No index of its own: the unique constraint below starts with it.
    onboarding = models.ForeignKey(
        "checklists.Onboarding",
        on_delete=models.CASCADE,
        related_name="reminder_logs",
        db_index=False,
    )
    mark = models.CharField(
        max_length=10, choices=[(name, f"{name} mark") for name, _ in REMINDER_MARKS]
    )
    go_live_date = models.DateField(
        help_text="The Go-Live date the reminder was for.", validators=IN_WINDOW
    )
    team_only = models.BooleanField(
        "to the CCPOR Team only",
        default=False,
        help_text="The court had nobody to mail: the reminder went to the CCPOR Team.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Exactly once per mark and Go-Live date. Its index (onboarding first) also
            # serves the reminder sweep's look-up of what was already done for each
            # onboarding in the window, and the court page's reminder log.
            models.UniqueConstraint(
                fields=["onboarding", "mark", "go_live_date"],
                name="one_reminder_per_onboarding_mark_golive",
            ),
        ]
        indexes = [
            # The admin's list: filtered by status, newest first.
            models.Index(
                fields=["status", "created_at"], name="reminder_status_created"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mark} reminder for {self.onboarding.court} ({self.go_live_date})"


class DigestLog(SendRecord):
    """The weekly digest owed to one person for one week (at most one a week)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_logs"
    )
    week_start = models.DateField(
        help_text="Monday of the week the digest is for.", validators=IN_WINDOW
    )
    item_count = models.PositiveIntegerField(default=0)

    # Why a digest is recorded as skipped when it comes to be sent.
    NOTHING_LEFT = (
        "Nothing left to send: nothing is overdue for this person, and the "
        "notifications that waited for the digest may no longer be sent to them."
    )

    class Meta:
        ordering = ["-week_start", "user__username"]
        constraints = [
            # At most one a week. week_start first: the digest sweep reads one week.
            models.UniqueConstraint(
                fields=["week_start", "user"], name="one_digest_per_user_and_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user}, week of {self.week_start}"


class SweepRun(models.Model):
    """One finished run of the reminder sweep or the digest: the heartbeat that
    /healthz reads (a dead-man's switch: no reminder sweep for 26 hours is a 503)."""

    class Kind(models.TextChoices):
        REMINDERS = "reminders", "60/30-day reminder sweep"
        DIGEST = "digest", "Weekly digest"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    today = models.DateField(
        help_text="The day the run worked for.", validators=IN_WINDOW
    )
    finished_at = models.DateTimeField(validators=IN_WINDOW)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-finished_at", "-id"]
        indexes = [
            # /healthz: the latest run of each kind.
            models.Index(fields=["kind", "finished_at"], name="sweeprun_kind_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.finished_at:%Y-%m-%d %H:%M}"

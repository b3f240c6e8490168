"""The outbox of notifications, each person's choices, and their last visit to each
court.

The app knows people, courts and memberships, never checklists: whoever notifies says
what the mail shows (subject, text, link) as data.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from ccpor_onboard.lib.bounds import (
    COMMENT_MAX,
    bounded_text,
    validate_date_in_window,
)

from .outbox import OutboxRow


class Kind(models.TextChoices):
    """What a notification is about. The label is how the profile page names it."""

    COMMENT = "comment", "A comment on an item you own"
    MENTION = "mention", "You are @mentioned in a comment"
    ASSIGNED = "assigned", "An item is assigned to you"
    ITEM_BLOCKED = "item_blocked", "An item you own or lead is blocked"
    ITEM_REOPENED = "item_reopened", "An item you own or lead is reopened"
    GO_LIVE_MOVED = "go_live_moved", "Your court's Go-Live date moves"
    SIGNOFF_ASKED = "signoff_asked", "Your sign-off is asked"
    INCIDENT_RESOLVED = "incident_resolved", "An incident you reported is resolved"
    INCIDENT_FOLLOW_UP = (
        "incident_follow_up",
        "An incident's reporter adds to it, confirms the fix or reopens it",
    )
    INVITATION = "invitation", "An invitation to a court's onboarding"
    WEBHOOK_PAUSED = "webhook_paused", "A webhook endpoint is paused (CCPOR Team)"


# Sent at once whatever the person's choice: the person is waiting for it (and may
# not even have signed in yet to make a choice).
# A paused webhook endpoint is an alarm for the CCPOR Team, not a choice.
ALWAYS_IMMEDIATE = frozenset({Kind.INVITATION, Kind.WEBHOOK_PAUSED})
# The kinds a person chooses for on their profile.
CHOOSABLE_KINDS = [k for k in Kind if k not in ALWAYS_IMMEDIATE]


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately (within a few minutes)"
    DIGEST = "digest", "In the weekly digest"
    NEVER = "never", "Never"


# A person who never chose gets every kind immediately.
DEFAULT_DELIVERY = Delivery.IMMEDIATE


class NotificationPreference(models.Model):
    """How one person wants one kind of notification; no row means the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="one_preference_per_user_and_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} → {self.get_delivery_display()}"


class Notification(OutboxRow):
    """One thing to tell one address, queued until its batch is sent.

    `address` is the batch key: every pending immediate notification to an address
    goes in one mail. `recipient` is the person (None for the CCPOR Team's shared
    mailbox). Claimed, sent and settled by the outbox protocol, as every mail is
    (notifications/outbox.py).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text="Empty for the CCPOR Team's shared mailbox.",
    )
    address = models.EmailField(help_text="Where the mail goes.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delivery = models.CharField(
        max_length=10,
        choices=[c for c in Delivery.choices if c[0] != Delivery.NEVER],
        default=Delivery.IMMEDIATE,
    )
    court = models.ForeignKey(
        "courts.Court", on_delete=models.CASCADE, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who made the change (never notified of it).",
    )
    subject = models.CharField(max_length=300)
    # What the notification quotes (a comment, a reason): typed text, cut to fit
    # by `notify`.
    text = bounded_text(max_length=COMMENT_MAX, blank=True)
    url = models.URLField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    # What it is about (a checklist item), if anything: looked at again when it is
    # sent (notifications.reach), in case it has become internal-only or is gone.
    about_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    # When the recipient opened it in the product's list (notifications.services
    # .notifications_mark_read); None: unread.
    read_at = models.DateTimeField(
        null=True, blank=True, validators=[validate_date_in_window]
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The batch task claims one address's pending notifications; the sweep
            # (send_notifications) finds addresses with pending ones.
            models.Index(
                fields=["status", "delivery", "address"], name="notification_batch"
            ),
            # The weekly digest reads each person's pending digest notifications.
            models.Index(
                fields=["recipient", "delivery", "status"],
                name="notification_digest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.address}: {self.subject}"


class CourtVisit(models.Model):
    """When a person last opened a court's page, for its "What changed" list.

    Kept here rather than on the membership because CCPOR staff visit courts they
    are not members of, and because it serves the same purpose as a notification:
    telling a person what happened since they last looked.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    court = models.ForeignKey(
        "courts.Court", on_delete=models.CASCADE, related_name="+"
    )
    seen_at = models.DateTimeField(
        help_text="The latest time the page was opened.",
        validators=[validate_date_in_window],
    )
    since = models.DateTimeField(
        null=True,
        blank=True,
        validators=[validate_date_in_window],
        help_text="What changed is listed from here: the end of the previous visit.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "court"], name="one_visit_per_user_and_court"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} saw {self.court} at {self.seen_at:%Y-%m-%d %H:%M}"


class AnswerLinkUse(models.Model):
    """A one-click answer link from a mail that has been used (notifications.
    answer_links): its digest, so that it works once. The signature and expiry of
    the link are checked from the link itself; rows older than the links' life are
    of no more use and are deleted as new ones are written."""

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    used_at = models.DateTimeField(
        default=timezone.now, validators=[validate_date_in_window]
    )

    def __str__(self) -> str:
        return f"answer link used by {self.user} at {self.used_at:%Y-%m-%d %H:%M}"

"""Webhook endpoints (where events go) and their deliveries (one outbox row per
event and endpoint, sent through notifications.outbox)."""

import uuid

from django.conf import settings
from django.db import models

from ccpor_onboard.lib.bounds import (
    bounded_text,
    validate_date_in_window,
    validate_single_line,
)
from notifications.outbox import OPEN, OutboxRow


class Event(models.TextChoices):
    """The events an endpoint may subscribe to (the `type` of each delivery)."""

    ITEM_STATUS_CHANGED = "item.status_changed", "An item's status changed"
    GO_LIVE_MOVED = "onboarding.go_live_moved", "Go-Live moved"
    GO_NO_GO_RECORDED = "onboarding.go_no_go_recorded", "Go/no-go recorded"
    MARKED_LIVE = "onboarding.marked_live", "Marked live"
    INCIDENT_REPORTED = "incident.reported", "Incident reported"
    INCIDENT_RESOLVED = "incident.resolved", "Incident resolved"
    SIGN_OFF_GIVEN = "sign_off.given", "Sign-off given"
    SIGN_OFF_REVOKED = "sign_off.revoked", "Sign-off revoked"
    ROSTER_PERSON_EXPIRING = "roster.person_expiring", "Roster person expiring"


ALL_EVENTS = "all"


class EndpointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(paused_at__isnull=True)


class Endpoint(models.Model):
    """Where events go: a URL, the secret that signs each body, which events, and
    optionally one court (then only that court's events, never internal-only
    items)."""

    class Format(models.TextChoices):
        JSON = "json", "Signed JSON"
        TEAMS = "teams", "Microsoft Teams card"

    name = models.CharField(max_length=100, validators=[validate_single_line])
    url = models.URLField(
        "URL",
        max_length=500,
        validators=[validate_single_line],
        help_text="Where each event is POSTed (http or https).",
    )
    secret = models.CharField(
        max_length=200,
        validators=[validate_single_line],
        help_text="Signs each body (X-CCPOR-Signature: sha256=HMAC of the raw body).",
    )
    events = models.JSONField(
        default=list,
        help_text='Event types, or ["all"]: ' + ", ".join(Event.values) + ".",
    )
    format = models.CharField(
        max_length=10, choices=Format.choices, default=Format.JSON
    )
    court = models.ForeignKey(
        "courts.Court",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Only this court's events (none of the CCPOR Team's internal "
        "items); empty for every court.",
    )
    paused_at = models.DateTimeField(
        null=True, blank=True, validators=[validate_date_in_window]
    )
    paused_reason = bounded_text(1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def wants(self, event: str) -> bool:
        return ALL_EVENTS in self.events or event in self.events


class DeliveryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(OPEN)


class Delivery(OutboxRow):
    """One event owed to one endpoint: its body is written once, when the event
    happens, so every retry sends the same bytes under the same delivery id."""

    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    # Whose event it is: the court a pause is reported under.
    court = models.ForeignKey(
        "courts.Court", on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(help_text="The JSON sent, exactly as signed.")

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The backstop's question: open deliveries, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=("pending", "claimed", "failed")),
                name="webhooks_delivery_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.endpoint} ({self.delivery_id})"

"""Writes of webhooks: endpoints (add, remove, pause, resume) and the deliveries
each event owes (`event_publish`), recorded in the transaction of the change and
sent after commit (`tasks.queue`).

Who may register endpoints is CCPOR staff: asked here, so that the staff page, the
admin and the command obey the same rule (the command runs as the operator).
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from ccpor_onboard.lib.bounds import validate_values
from courts.access import is_ccpor_staff
from notifications.models import Kind
from notifications.services import notify

from . import events as event_bodies
from . import tasks
from .events import WebhookEvent
from .models import ALL_EVENTS, Delivery, Endpoint, Event

STAFF_ONLY = "Only the CCPOR Team registers webhook endpoints."


def _check_staff(by) -> None:
    if by is not None and not is_ccpor_staff(by):
        raise ValidationError(STAFF_ONLY)


def parse_events(value: str | list[str]) -> list[str]:
    """Event types from "all", a comma-separated string or a list; ValidationError
    naming the unknown ones."""
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip() for n in names if n.strip()]
    if ALL_EVENTS in names:
        return [ALL_EVENTS]
    unknown = sorted(set(names) - set(Event.values))
    if unknown or not names:
        raise ValidationError(
            {
                "events": f"Unknown event {', '.join(unknown)}; use all or one or "
                f"more of {', '.join(Event.values)}."
                if unknown
                else "Choose at least one event."
            }
        )
    return [e for e in Event.values if e in names]


@transaction.atomic
def endpoint_add(
    *,
    name: str,
    url: str,
    secret: str,
    events: str | list[str],
    by,
    format: str = Endpoint.Format.JSON,
    court=None,
) -> Endpoint:
    """Register an endpoint (CCPOR staff; `by` None for a command)."""
    _check_staff(by)
    endpoint = Endpoint(
        name=(name or "").strip() or url,
        url=(url or "").strip(),
        secret=secret or "",
        events=parse_events(events),
        format=format,
        court=court,
        created_by=by,
    )
    if not endpoint.url.lower().startswith(("http://", "https://")):
        raise ValidationError({"url": "Give an http or https URL."})
    if len(endpoint.secret) < 16:
        raise ValidationError({"secret": "Use a secret of at least 16 characters."})
    endpoint.full_clean()
    endpoint.save()
    audit_record(
        action=AuditEvent.Action.WEBHOOK_CHANGED,
        user=by,
        target=f"webhook {endpoint.pk}",
        detail=f"added {endpoint.url} for {', '.join(endpoint.events)}",
    )
    return endpoint


@transaction.atomic
def endpoint_remove(*, endpoint: Endpoint, by) -> None:
    """Remove an endpoint and its delivery log."""
    _check_staff(by)
    audit_record(
        action=AuditEvent.Action.WEBHOOK_CHANGED,
        user=by,
        target=f"webhook {endpoint.pk}",
        detail=f"removed {endpoint.url}",
    )
    endpoint.delete()


def endpoint_pause(*, endpoint: Endpoint, by, reason: str, court=None) -> bool:
    """Stop sending to an endpoint (its deliveries wait, recorded); the CCPOR Team
    is told when it was paused for failing (`by` None), about `court`. Returns
    whether it was paused now (False if it already was)."""
    _check_staff(by)
    validate_values(Endpoint, paused_reason=reason[:1000])
    with transaction.atomic():
        paused = Endpoint.objects.filter(pk=endpoint.pk, paused_at__isnull=True).update(
            paused_at=timezone.now(), paused_reason=reason[:1000]
        )
        if paused:
            audit_record(
                action=AuditEvent.Action.WEBHOOK_CHANGED,
                user=by,
                target=f"webhook {endpoint.pk}",
                detail=f"paused: {reason}"[:1000],
            )
        if paused and by is None and court is not None:
            notify(
                kind=Kind.WEBHOOK_PAUSED,
                court=court,
                subject=f"Webhook “{endpoint.name}” is paused: it keeps failing",
                text=reason,
                link=reverse("webhooks:endpoints"),
                team=True,
                internal_only=True,
            )
    return bool(paused)


def endpoint_resume(*, endpoint: Endpoint, by) -> int:
    """Send to the endpoint again: its waiting deliveries, and those it gave up on,
    are owed again from the first attempt. Returns how many are queued."""
    _check_staff(by)
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(paused_at=None, paused_reason="")
        owed = Delivery.objects.filter(endpoint=endpoint).filter(
            Q(status__in=(Delivery.Status.PENDING, Delivery.Status.FAILED))
        )
        ids = list(owed.values_list("pk", flat=True))
        owed.update(status=Delivery.Status.PENDING, attempts=0, error="")
        audit_record(
            action=AuditEvent.Action.WEBHOOK_CHANGED,
            user=by,
            target=f"webhook {endpoint.pk}",
            detail=f"resumed; {len(ids)} deliveries owed again",
        )
        for pk in ids:
            tasks.queue_delivery(pk)
    endpoint.paused_at, endpoint.paused_reason = None, ""
    return len(ids)


def _endpoints_for(event: WebhookEvent) -> list[Endpoint]:
    """The endpoints this event goes to: every court's, and the event's court's own
    unless the event is internal-only; those that subscribe to its type."""
    court_q = Q(court__isnull=True)
    if not event.internal_only:
        court_q |= Q(court_id=event.court.pk)
    # Few rows: the subscription (a JSON list) is read in Python, which every
    # database backend can do.
    return [e for e in Endpoint.objects.filter(court_q) if e.wants(event.type)]


def event_publish(event: WebhookEvent) -> list[Delivery]:
    """Record one delivery of `event` per endpoint that wants it, each body written
    now (in its endpoint's format) under its own delivery id, and queue each to be
    sent once the current transaction commits. A paused endpoint's deliveries wait
    for it to resume."""
    endpoints = _endpoints_for(event)
    if not endpoints:
        return []
    timestamp = timezone.now().astimezone(datetime.UTC).isoformat()
    deliveries = []
    for endpoint in endpoints:
        delivery_id = uuid.uuid4()
        build = (
            event_bodies.teams_body
            if endpoint.format == Endpoint.Format.TEAMS
            else event_bodies.json_body
        )
        deliveries.append(
            Delivery(
                delivery_id=delivery_id,
                endpoint=endpoint,
                event=event.type,
                court=event.court,
                body=build(event, delivery_id=str(delivery_id), timestamp=timestamp),
            )
        )
    Delivery.objects.bulk_create(deliveries)
    for delivery, endpoint in zip(deliveries, endpoints, strict=True):
        if not endpoint.is_paused:
            tasks.queue_delivery(delivery.pk)
    return deliveries


def roster_person_expiring(
    *, court, name: str, role: str, expires_on: datetime.date, link: str = ""
) -> list[Delivery]:
    """For the roster's sweep: a person on a court's roster expires soon. Call it
    inside the sweep's transaction (one call per person and notice)."""
    return event_publish(
        event_bodies.roster_person_expiring(
            court=court, name=name, role=role, expires_on=expires_on, link=link
        )
    )

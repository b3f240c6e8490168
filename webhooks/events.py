"""What each event says: built from the domain object inside the transaction of
the change, once, and then written into the body of each delivery (`bodies`).

Every event is about one court. `internal_only` marks an event that only
endpoints of every court (the CCPOR Team's own) may receive: a CCPOR-internal
item's, as the portal hides those items from court users.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from .models import Event


@dataclass(frozen=True)
class WebhookEvent:
    type: str
    court: object  # courts.models.Court
    data: dict
    title: str
    link: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    internal_only: bool = False


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _court(court) -> dict:
    return {
        "slug": court.slug,
        "name": court.name,
        "url": _absolute(court.get_absolute_url()),
    }


def _person(user) -> str | None:
    return str(user) if user is not None else None


def item_status_changed(item, *, before: str, by) -> WebhookEvent:
    court = item.onboarding.court
    link = _absolute(item.get_absolute_url())
    status = item.get_status_display()
    return WebhookEvent(
        type=Event.ITEM_STATUS_CHANGED,
        court=court,
        internal_only=item.internal_only,
        data={
            "item": {
                "id": item.pk,
                "order": item.order,
                "title": item.title,
                "actor": item.actor,
                "status": item.status,
                "previous_status": before,
                "due_date": item.due_date,
                "note": item.note,
                "blocked_reason": item.blocked_reason,
                "url": link,
            },
            "by": _person(by),
        },
        title=f"{court}: “{item.title}” is now {status.lower()}",
        link=link,
        facts=[("Item", f"{item.order}. {item.title}"), ("Status", status)],
    )


def go_live_moved(change, *, by) -> WebhookEvent:
    court = change.onboarding.court
    return WebhookEvent(
        type=Event.GO_LIVE_MOVED,
        court=court,
        data={
            "from": change.old_date,
            "to": change.new_date,
            "reason": change.reason,
            "by": _person(by),
        },
        title=f"{court}: Go-Live moves from {change.old_date:%b %-d, %Y} to "
        f"{change.new_date:%b %-d, %Y}",
        link=_absolute(court.get_absolute_url()),
        facts=[("Reason", change.reason)],
    )


def go_no_go_recorded(decision, *, by) -> WebhookEvent:
    court = decision.onboarding.court
    return WebhookEvent(
        type=Event.GO_NO_GO_RECORDED,
        court=court,
        data={
            "decision": decision.decision,
            "reason": decision.reason,
            "go_live_date": decision.go_live_date,
            "new_go_live_date": decision.new_go_live_date,
            "by": _person(by),
        },
        title=f"{court}: go/no-go recorded: {decision.get_decision_display()}",
        link=_absolute(reverse("golive:readiness", kwargs={"slug": court.slug})),
        facts=[("Decision", decision.get_decision_display())]
        + ([("Reason", decision.reason)] if decision.reason else []),
    )


def marked_live(onboarding, *, by) -> WebhookEvent:
    court = onboarding.court
    return WebhookEvent(
        type=Event.MARKED_LIVE,
        court=court,
        data={"went_live_on": onboarding.went_live_on, "by": _person(by)},
        title=f"{court} is live on CCPOR",
        link=_absolute(court.get_absolute_url()),
        facts=[("Live on", f"{onboarding.went_live_on:%b %-d, %Y}")],
    )


def _incident(incident, event: str, verb: str, by) -> WebhookEvent:
    court = incident.onboarding.court
    link = _absolute(
        reverse(
            "golive:incident_detail", kwargs={"slug": court.slug, "pk": incident.pk}
        )
    )
    return WebhookEvent(
        type=event,
        court=court,
        data={
            "incident": {
                "id": incident.pk,
                "title": incident.title,
                "severity": incident.severity,
                "category": incident.category,
                "status": incident.status,
                "resolution": incident.resolution,
                "url": link,
            },
            "by": _person(by),
        },
        title=f"{court}: incident #{incident.pk} “{incident.title}” {verb}",
        link=link,
        facts=[("Severity", incident.severity), ("Status", incident.status)],
    )


def incident_reported(incident, *, by) -> WebhookEvent:
    return _incident(incident, Event.INCIDENT_REPORTED, "is reported", by)


def incident_resolved(incident, *, by) -> WebhookEvent:
    return _incident(incident, Event.INCIDENT_RESOLVED, "is resolved", by)


def _sign_off(sign_off, event: str, verb: str, by) -> WebhookEvent:
    court = sign_off.onboarding.court
    return WebhookEvent(
        type=event,
        court=court,
        data={
            "sign_off": {
                "id": sign_off.pk,
                "kind": sign_off.kind,
                "role": sign_off.role,
                "signer": sign_off.signer_name,
                "revoke_reason": sign_off.revoke_reason,
            },
            "by": _person(by),
        },
        title=f"{court}: {sign_off.get_kind_display()} sign-off of the "
        f"{sign_off.get_role_display()} {verb}",
        link=_absolute(reverse("golive:readiness", kwargs={"slug": court.slug})),
        facts=[("Signer", sign_off.signer_name)],
    )


def sign_off_given(sign_off, *, by) -> WebhookEvent:
    return _sign_off(sign_off, Event.SIGN_OFF_GIVEN, "given", by)


def sign_off_revoked(sign_off, *, by) -> WebhookEvent:
    return _sign_off(sign_off, Event.SIGN_OFF_REVOKED, "revoked", by)


def roster_person_expiring(
    *, court, name: str, role: str, expires_on: datetime.date, link: str = ""
) -> WebhookEvent:
    return WebhookEvent(
        type=Event.ROSTER_PERSON_EXPIRING,
        court=court,
        data={"person": {"name": name, "role": role, "expires_on": expires_on}},
        title=f"{court}: {name} ({role}) expires on {expires_on:%b %-d, %Y}",
        link=link or _absolute(court.get_absolute_url()),
    )


# --- Bodies ----------------------------------------------------------------------
def _json(value) -> str:
    return json.dumps(value, default=_default, separators=(",", ":"), sort_keys=True)


def _default(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_body(event: WebhookEvent, *, delivery_id: str, timestamp: str) -> str:
    """The signed JSON format: delivery id, event type, timestamp, the court and
    the event's own data."""
    return _json(
        {
            "id": delivery_id,
            "type": event.type,
            "timestamp": timestamp,
            "court": _court(event.court),
            "data": event.data,
        }
    )


def teams_body(event: WebhookEvent, *, delivery_id: str, timestamp: str) -> str:
    """A Microsoft Teams incoming-webhook message: one Adaptive Card a person
    reads, with a button to the page; the event type, time and delivery id in its
    small print."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": event.title,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {
                "type": "FactSet",
                "facts": [{"title": t, "value": str(v)} for t, v in event.facts],
            },
            {
                "type": "TextBlock",
                "text": f"{event.type} · {timestamp} · {delivery_id}",
                "size": "Small",
                "isSubtle": True,
                "wrap": True,
            },
        ],
        "actions": [
            {
                "type": "Action.OpenUrl",
                "title": "Open in CCPOR Onboard",
                "url": event.link,
            }
        ],
    }
    return _json(
        {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": card,
                }
            ],
        }
    )

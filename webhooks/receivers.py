"""How webhooks hear of changes: the signals of checklists and golive, inside the
transaction of the change; each records its deliveries there (services) and they
are sent after commit."""

from checklists import signals as checklists_signals
from golive import signals as golive_signals
from golive.models import Transition

from . import events
from .services import event_publish


def on_item_status_changed(sender, *, item, before, by, **kwargs) -> None:
    event_publish(events.item_status_changed(item, before=before, by=by))


def on_go_live_moved(sender, *, change, by, **kwargs) -> None:
    event_publish(events.go_live_moved(change, by=by))


def on_go_no_go_recorded(sender, *, decision, by, **kwargs) -> None:
    event_publish(events.go_no_go_recorded(decision, by=by))


def on_onboarding_transitioned(sender, *, onboarding, transition, by, **kw) -> None:
    if transition.kind == Transition.Kind.MARK_LIVE:
        event_publish(events.marked_live(onboarding, by=by))


def on_incident_reported(sender, *, incident, by, **kwargs) -> None:
    event_publish(events.incident_reported(incident, by=by))


def on_incident_resolved(sender, *, incident, by, **kwargs) -> None:
    event_publish(events.incident_resolved(incident, by=by))


def on_sign_off_given(sender, *, sign_off, by, **kwargs) -> None:
    event_publish(events.sign_off_given(sign_off, by=by))


def on_sign_off_revoked(sender, *, sign_off, by, **kwargs) -> None:
    event_publish(events.sign_off_revoked(sign_off, by=by))


CONNECTIONS = [
    (checklists_signals.item_status_changed, on_item_status_changed),
    (checklists_signals.go_live_moved, on_go_live_moved),
    (golive_signals.go_no_go_recorded, on_go_no_go_recorded),
    (golive_signals.onboarding_transitioned, on_onboarding_transitioned),
    (golive_signals.incident_reported, on_incident_reported),
    (golive_signals.incident_resolved, on_incident_resolved),
    (golive_signals.sign_off_given, on_sign_off_given),
    (golive_signals.sign_off_revoked, on_sign_off_revoked),
]


def connect() -> None:
    for signal, receiver in CONNECTIONS:
        signal.connect(receiver, dispatch_uid=f"webhooks-{receiver.__name__}")

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Outbound events: signed JSON or Microsoft Teams cards to the endpoints CCPOR
    staff register (docs/webhooks.md). Listens to the signals of checklists and
    golive; a lower app never calls it."""

    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()

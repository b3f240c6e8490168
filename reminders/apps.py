from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        # /healthz reports the sweep's heartbeat; the check lives here, registered
        # with the domain-free health module, so ccpor_onboard imports no app.
        from ccpor_onboard.lib.health import register

        from .health import reminder_sweep_check

        register("reminder_sweep", reminder_sweep_check)

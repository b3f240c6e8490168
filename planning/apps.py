from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Planning: forecasts and team capacity"

    def ready(self) -> None:
        # A change to an onboarding's items queues its forecast (after commit).
        from . import receivers  # noqa: F401

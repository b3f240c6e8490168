from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = "Checklists and onboardings"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the portfolio row receivers

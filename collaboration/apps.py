from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    """What people do around a checklist item: evidence, comments (with their
    earlier texts), meetings and the CCPOR Team's documents."""

    name = "collaboration"
    verbose_name = "Evidence, comments and documents"

    def ready(self) -> None:
        from checklists.signals import item_reopened

        from .receivers import on_item_reopened

        item_reopened.connect(on_item_reopened, dispatch_uid="collaboration-reopened")

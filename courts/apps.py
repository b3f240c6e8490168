from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "courts"
    verbose_name = "Courts"

    def ready(self) -> None:
        # Who may see which court: every membership change goes to the audit log.
        # Signals, because memberships are saved by the admin and seed_demo directly.
        from django.db.models.signals import post_delete, post_save, pre_save

        from . import receivers
        from .models import Membership

        pre_save.connect(
            receivers.on_membership_pre_save, sender=Membership, dispatch_uid="m-pre"
        )
        post_save.connect(
            receivers.on_membership_post_save, sender=Membership, dispatch_uid="m-post"
        )
        post_delete.connect(
            receivers.on_membership_post_delete, sender=Membership, dispatch_uid="m-del"
        )

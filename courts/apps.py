from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "courts"
    verbose_name = "Courts"

    def ready(self) -> None:
        # Any change to what the portfolio pages show invalidates their cache
        # (ccpor_onboard/lib/portfolio_cache.py). A signal, not a service call, so that
        # admin edits and every service are covered without each remembering to.
        from django.db.models.signals import post_delete, post_save, pre_save

        from ccpor_onboard.lib.portfolio_cache import portfolio_changed
        from checklists.models import ChecklistItem, Onboarding

        from . import receivers
        from .models import Court, Membership

        for model in (Court, Onboarding, ChecklistItem):
            post_save.connect(
                portfolio_changed, sender=model, dispatch_uid=f"pc-{model}"
            )
            post_delete.connect(
                portfolio_changed, sender=model, dispatch_uid=f"pcd-{model}"
            )

        # Who may see which court: every membership change goes to the audit log.
        pre_save.connect(
            receivers.on_membership_pre_save, sender=Membership, dispatch_uid="m-pre"
        )
        post_save.connect(
            receivers.on_membership_post_save, sender=Membership, dispatch_uid="m-post"
        )
        post_delete.connect(
            receivers.on_membership_post_delete, sender=Membership, dispatch_uid="m-del"
        )

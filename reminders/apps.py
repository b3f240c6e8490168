from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        # /healthz reports the sweep's heartbeat; the check lives here, registered
        # with the domain-free health module, so ccpor_onboard imports no app.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_save

        from ccpor_onboard.lib.health import register
        from checklists.services import SummaryPart, summary_part_register
        from courts.models import Membership

        from . import receivers
        from .health import reminder_sweep_check
        from .selectors import reminder_recipient_counts

        register("reminder_sweep", reminder_sweep_check)
        # Whether anyone can be reminded is kept in each onboarding's stored summary,
        # by this app's rule, so that the dashboard counts and filters the courts
        # with no one to remind without reading every membership.
        summary_part_register(
            name="reminders.recipients",
            part=SummaryPart(
                fields=("reminder_recipients",), compute=reminder_recipient_counts
            ),
        )
        pre_save.connect(
            receivers.on_membership_pre_save, sender=Membership, dispatch_uid="rr-pre"
        )
        post_save.connect(
            receivers.on_membership_saved, sender=Membership, dispatch_uid="rr-post"
        )
        post_delete.connect(
            receivers.on_membership_deleted, sender=Membership, dispatch_uid="rr-del"
        )
        post_save.connect(
            receivers.on_person_saved, sender=get_user_model(), dispatch_uid="rr-user"
        )

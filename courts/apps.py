from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "courts"
    verbose_name = "Courts"

    def ready(self) -> None:
        # Who may see which court: every membership change goes to the audit log,
        # nobody is at once CCPOR staff and a court's role holder
        # (courts/separation.py), and a role belongs to its organisation. Signals,
        # because memberships, users and groups are saved by the admin and by
        # commands directly.
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import (
            m2m_changed,
            post_delete,
            post_save,
            pre_save,
        )

        from . import receivers
        from .models import Membership

        User = get_user_model()
        pre_save.connect(
            receivers.refuse_staff_membership, sender=Membership, dispatch_uid="m-sod"
        )
        pre_save.connect(
            receivers.refuse_role_outside_organisation,
            sender=Membership,
            dispatch_uid="m-role",
        )
        pre_save.connect(
            receivers.refuse_superuser_with_roles, sender=User, dispatch_uid="u-sod"
        )
        m2m_changed.connect(
            receivers.refuse_team_with_roles,
            sender=User.groups.through,
            dispatch_uid="g-sod",
        )
        pre_save.connect(
            receivers.refuse_team_rename, sender=Group, dispatch_uid="g-name-sod"
        )

        pre_save.connect(
            receivers.on_membership_pre_save, sender=Membership, dispatch_uid="m-pre"
        )
        post_save.connect(
            receivers.on_membership_post_save, sender=Membership, dispatch_uid="m-post"
        )
        post_delete.connect(
            receivers.on_membership_post_delete, sender=Membership, dispatch_uid="m-del"
        )

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Sign-in events, password changes and access changes into the session
        # policy and the audit log (see receivers.py for why these are signals).
        from axes.signals import user_locked_out
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )
        from django.core import checks
        from django.db.models.signals import (
            m2m_changed,
            post_delete,
            post_save,
            pre_save,
        )
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from ccpor_onboard.lib.client_ip import proxy_settings_check

        from . import receivers

        # The lockout per address counts the address that setting gives.
        checks.register(proxy_settings_check, checks.Tags.security)
        User = get_user_model()
        user_logged_in.connect(receivers.on_logged_in, dispatch_uid="acc-in")
        user_login_failed.connect(receivers.on_login_failed, dispatch_uid="acc-fail")
        user_logged_out.connect(receivers.on_logged_out, dispatch_uid="acc-out")
        user_locked_out.connect(receivers.on_locked_out, dispatch_uid="acc-lock")
        pre_save.connect(receivers.on_user_pre_save, sender=User, dispatch_uid="acc-u1")
        post_save.connect(
            receivers.on_user_post_save, sender=User, dispatch_uid="acc-u2"
        )
        # Authenticator devices set up or removed, on every path: audited, mailed.
        pre_save.connect(
            receivers.on_device_pre_save, sender=TOTPDevice, dispatch_uid="acc-d1"
        )
        post_save.connect(
            receivers.on_device_post_save, sender=TOTPDevice, dispatch_uid="acc-d2"
        )
        post_delete.connect(
            receivers.on_device_post_delete, sender=TOTPDevice, dispatch_uid="acc-d3"
        )
        for through in (
            User.groups.through,
            User.user_permissions.through,
            Group.permissions.through,
        ):
            m2m_changed.connect(
                receivers.on_m2m_changed, sender=through, dispatch_uid=f"acc-{through}"
            )

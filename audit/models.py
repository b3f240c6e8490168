"""The audit log: who did what, when, from where, and whether it worked.

Append-only. Rows are written by `audit.services.audit_record` and never changed or
deleted by the application: the QuerySet and model refuse it, the admin is read-only,
and on PostgreSQL a trigger (migration 0002) refuses any UPDATE or DELETE.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ccpor_onboard.lib.bounds import validate_date_in_window


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are never changed.")

    def delete(self):
        raise AppendOnlyError("Audit events are never deleted.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "auth.login", "Signed in"
        LOGIN_FAILED = "auth.login_failed", "Sign-in failed"
        LOGOUT = "auth.logout", "Signed out"
        SESSION_EXPIRED = "auth.session_expired", "Session ended by the time limit"
        LOCKOUT = "auth.lockout", "Sign-in locked (too many failures)"
        UNLOCK = "auth.unlock", "Sign-in unlocked"
        OTP_ENROLLED = "auth.otp_enrolled", "Authenticator app set up"
        OTP_VERIFIED = "auth.otp_verified", "Authenticator code checked"
        OTP_REMOVED = "auth.otp_removed", "Authenticator app removed"
        PASSWORD_CHANGED = "account.password_changed", "Password changed"
        PASSWORD_RESET = "account.password_reset", "Password reset by e-mail link"
        API_TOKEN_RESET = "account.api_token_reset", "API token reset"
        CALENDAR_TOKEN_RESET = "account.calendar_token_reset", "Calendar secret reset"
        MEMBERSHIP_CREATED = "access.membership_created", "Membership created"
        MEMBERSHIP_CHANGED = "access.membership_changed", "Membership changed"
        MEMBERSHIP_DELETED = "access.membership_deleted", "Membership deleted"
        GROUPS_CHANGED = "access.groups_changed", "Groups of a user changed"
        PERMISSIONS_CHANGED = "access.permissions_changed", "Permissions changed"
        USER_FLAGS_CHANGED = (
            "access.user_flags_changed",
            "Active/staff/superuser changed",
        )
        WEBHOOK_CHANGED = "integration.webhook", "Webhook endpoint changed"
        ADMIN_ADDITION = "admin.addition", "Admin: added"
        ADMIN_CHANGE = "admin.change", "Admin: changed"
        ADMIN_DELETION = "admin.deletion", "Admin: deleted"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        FAILURE = "failure", "Failure"

    created_at = models.DateTimeField(
        "when",
        default=timezone.now,
        db_index=True,
        validators=[validate_date_in_window],
    )
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    # Who: the account (kept even if it is later renamed), and the name typed or held
    # at the time (a failed sign-in may name no account at all). PROTECT: a person
    # with audit history is deactivated, never deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True, db_index=True)
    # What it was done to, in words ("Membership: alameda.lead – Alameda ...").
    target = models.CharField(max_length=250, blank=True)
    detail = models.TextField(blank=True)
    # From where.
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit event"

    def __str__(self) -> str:
        who = self.username or "someone"
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {who}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are never deleted.")

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """E-mail to people about what happened to them: a batched outbox with each
    person's choice per kind (immediately, in the weekly digest, never), invitations,
    and each person's last visit to each court ("what changed")."""

    name = "notifications"
    verbose_name = "Notifications"

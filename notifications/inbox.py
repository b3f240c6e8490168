"""Writes of the in-app notification list: what a person has read."""

from django.utils import timezone

from .models import Notification


def notification_open(*, user, pk: int) -> Notification:
    """The person's notification `pk`, marked read (Notification.DoesNotExist for
    anyone else's)."""
    row = Notification.objects.get(recipient=user, pk=pk)
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at", "updated_at"])
    return row


def notifications_mark_read(*, user) -> int:
    """Every unread notification of the person's list marked read; how many were
    (those dropped at sending are not in the list)."""
    return (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .exclude(status=Notification.Status.SKIPPED)
        .update(read_at=timezone.now())
    )

"""Reads: each person's choices, and what is waiting for the weekly digest."""

from collections import defaultdict
from collections.abc import Iterable

from courts.models import Membership

from .models import (
    CHOOSABLE_KINDS,
    DEFAULT_DELIVERY,
    Delivery,
    Notification,
    NotificationPreference,
)


def preferences_for(user) -> dict[str, str]:
    """The person's choice for every kind they may choose for (defaults filled in).
    One query."""
    chosen = dict(
        NotificationPreference.objects.filter(user=user).values_list("kind", "delivery")
    )
    return {kind.value: chosen.get(kind, DEFAULT_DELIVERY) for kind in CHOOSABLE_KINDS}


def deliveries_for(kind: str, user_ids: Iterable[int]) -> dict[int, str]:
    """How each of these people wants this kind of notification. One query."""
    user_ids = set(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(
            kind=kind, user_id__in=user_ids
        ).values_list("user_id", "delivery")
    )
    return {pk: chosen.get(pk, DEFAULT_DELIVERY) for pk in user_ids}


def pending_digest_notifications(
    user_ids: Iterable[int] | None = None,
) -> dict[int, list[Notification]]:
    """Per person (active, with an e-mail address), the notifications they chose to
    get in the weekly digest that are still waiting, oldest first, with their court
    and recipient. One query. Without `user_ids`, everyone's."""
    rows = Notification.objects.filter(
        delivery=Delivery.DIGEST,
        status=Notification.Status.PENDING,
        recipient__isnull=False,
        recipient__is_active=True,
    ).exclude(recipient__email="")
    if user_ids is not None:
        rows = rows.filter(recipient_id__in=set(user_ids))
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for row in rows.select_related("court", "by", "recipient").order_by(
        "created_at", "id"
    ):
        by_user[row.recipient_id].append(row)
    return by_user


def inbox_for(user):
    """What was sent (or is waiting to be sent) to `user`, newest first, with the
    court: the in-app list beside the e-mails. The notifications the send-time check
    dropped are left out: they stopped being true."""
    return (
        Notification.objects.filter(recipient=user)
        .exclude(status=Notification.Status.SKIPPED)
        .select_related("court", "by")
        .order_by("-created_at", "-id")
    )


def unread_count(user) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def mention_candidates(court, *, internal_only: bool = False) -> list[dict]:
    """Whom a comment on an item of `court` may @mention, for the suggestions offered
    as one types: the court's active members with an e-mail address (none on a
    CCPOR-internal item), and the CCPOR Team ("@ccpor"). One query."""
    people = [{"handle": "ccpor", "name": "the CCPOR Team"}]
    if internal_only:
        return people
    seen = set()
    for user in (
        Membership.objects.filter(court=court, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__first_name", "user__last_name", "user__username")
        .values_list("user__username", "user__first_name", "user__last_name")
    ):
        handle, first, last = user
        if handle not in seen:
            seen.add(handle)
            people.append({"handle": handle, "name": f"{first} {last}".strip()})
    return people

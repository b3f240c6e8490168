"""Reads of webhooks."""

from django.db.models import Count, Max, Q, QuerySet

from .models import Delivery, Endpoint


def endpoints_with_counts() -> QuerySet[Endpoint]:
    """Every endpoint with its court and, in the same query, how many deliveries
    are owed, failed and sent, and when it last delivered."""
    return Endpoint.objects.select_related("court").annotate(
        owed=Count(
            "deliveries",
            filter=Q(
                deliveries__status__in=(
                    Delivery.Status.PENDING,
                    Delivery.Status.CLAIMED,
                )
            ),
        ),
        failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
        last_sent=Max("deliveries__sent_at"),
    )

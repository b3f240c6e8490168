"""Reads of courts, shaped for the pages that list them."""

import datetime

from django.db.models import Prefetch

from checklists.models import Onboarding
from checklists.selectors import onboardings_with_status

from .access import courts_for_user, is_ccpor_staff
from .models import Court


def court_list_for_user(user, *, today: datetime.date) -> list[Court]:
    """The courts a user may see, each with `.onboarding` (the open one, else the
    latest, else None) carrying its derived `.state`. A fixed number of queries,
    whatever the number of courts.
    """
    courts = list(
        courts_for_user(user)
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "onboardings",
                queryset=Onboarding.objects.order_by("-created_at", "-id"),
                to_attr="onboarding_history",
            )
        )
    )
    current = []
    for court in courts:
        history = court.onboarding_history
        open_ones = [o for o in history if o.is_open]
        court.onboarding = (open_ones or history or [None])[0]
        if court.onboarding is not None:
            current.append(court.onboarding)
    onboardings_with_status(current, today=today, include_internal=is_ccpor_staff(user))
    return courts

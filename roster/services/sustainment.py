"""Life after Go-Live: a person leaving starts their deprovisioning (CCPOR account
disabled, CLETS access removed), tracked until both are recorded; the court
confirms each quarter that everyone still needs access (`review_confirm`)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ccpor_onboard.lib.bounds import validate_values

from .. import access
from ..models import AccessReview, Deprovisioning, ReviewConfirmation, RosterPerson
from ..selectors import quarter_of

STEPS = {
    "account": ("account_disabled_at", "account_disabled_by", "CCPOR account disabled"),
    "clets": ("clets_removed_at", "clets_removed_by", "CLETS access removed"),
}


def _require(by, person: RosterPerson) -> None:
    if not access.can_edit(by, person.court_id, person.organisation):
        raise PermissionDenied("You may not change this person.")


def person_mark_left(
    *, person: RosterPerson, by, left_on: datetime.date
) -> Deprovisioning:
    """Record that the person left (on `left_on`) and start their deprovisioning.
    Refused for someone already recorded as gone."""
    _require(by, person)
    validate_values(RosterPerson, left_on=left_on)
    with transaction.atomic():
        locked = RosterPerson.objects.select_for_update().get(pk=person.pk)
        if locked.left_on:
            raise ValidationError(
                {"left_on": f"{locked.name} is already recorded as gone."}
            )
        locked.left_on = left_on
        locked.updated_by = by
        locked.save(update_fields=["left_on", "updated_by", "updated_at"])
        return Deprovisioning.objects.create(
            person=locked, started_at=timezone.now(), started_by=by
        )


def deprovisioning_record(
    *, deprovisioning: Deprovisioning, step: str, by
) -> Deprovisioning:
    """Record one step of a leaver's deprovisioning ("account" or "clets"): who did
    it, when. A step is recorded once."""
    if step not in STEPS:
        raise ValidationError({"step": "Not a step of the deprovisioning."})
    _require(by, deprovisioning.person)
    at, who, words = STEPS[step]
    with transaction.atomic():
        locked = Deprovisioning.objects.select_for_update().get(pk=deprovisioning.pk)
        if getattr(locked, at):
            raise ValidationError({"step": f"“{words}” is already recorded."})
        setattr(locked, at, timezone.now())
        setattr(locked, who, by)
        locked.save(update_fields=[at, who])
    return locked


def review_confirm(
    *,
    person: RosterPerson,
    by,
    still_needs_access: bool,
    today: datetime.date,
    note: str = "",
) -> ReviewConfirmation:
    """Record, in the court's access review of this quarter, whether the person
    still needs access (who said so, when). Someone who no longer does is recorded
    as gone today and their deprovisioning starts. The review is complete once
    everyone present is confirmed."""
    _require(by, person)
    if person.left_on:
        raise ValidationError({"person": f"{person.name} is no longer on the roster."})
    validate_values(ReviewConfirmation, note=note)
    with transaction.atomic():
        review, _ = AccessReview.objects.get_or_create(
            court_id=person.court_id, quarter=quarter_of(today)
        )
        confirmation, _ = ReviewConfirmation.objects.update_or_create(
            review=review,
            person=person,
            defaults={
                "still_needs_access": still_needs_access,
                "note": note.strip(),
                "confirmed_at": timezone.now(),
                "confirmed_by": by,
            },
        )
        if not still_needs_access:
            person_mark_left(person=person, by=by, left_on=today)
        _complete_if_everyone(review, by)
    return confirmation


def _complete_if_everyone(review: AccessReview, by) -> None:
    present = RosterPerson.objects.present().filter(court_id=review.court_id)
    unconfirmed = present.exclude(confirmations__review=review)
    if review.completed_at is None and not unconfirmed.exists():
        review.completed_at = timezone.now()
        review.completed_by = by
        review.save(update_fields=["completed_at", "completed_by"])

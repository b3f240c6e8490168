"""The rule every write to a checklist obeys, whatever path it comes by."""

from django.core.exceptions import ValidationError

from ..models import Onboarding


def onboarding_ensure_writable(onboarding: Onboarding) -> None:
    """Refuse (ValidationError) any change to a closed or cancelled onboarding's
    checklist, its evidence and comments: read-only for everyone, CCPOR staff
    included (`Onboarding.read_only_reason`)."""
    reason = onboarding.read_only_reason
    if reason:
        raise ValidationError(reason)

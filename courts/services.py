"""Writes to courts and memberships."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import Court, Membership, role_refusal
from .separation import membership_refusal


def membership_add(*, court: Court, user, organisation: str, role: str) -> Membership:
    """Make the person a member of the court's onboarding (for the court or its
    sheriff's office, in a role). ValidationError if they already are one, if they
    are CCPOR staff (who never hold a court's role, courts/separation.py), for an
    organisation or role that does not exist, or for a role the organisation does
    not have (`ROLES_OF_ORGANISATION`: no court liaison, no sheriff's office
    executive officer)."""
    refusal = membership_refusal(user)
    if refusal:
        raise ValidationError({"email": refusal})
    errors = {}
    if organisation not in Membership.Organisation.values:
        errors["organisation"] = f"“{organisation}” is not an organisation."
    if role not in Membership.Role.values:
        errors["role"] = f"“{role}” is not a role."
    if not errors and role_refusal(organisation, role):
        errors["role"] = role_refusal(organisation, role)
    if errors:
        raise ValidationError(errors)
    existing = Membership.objects.filter(court=court, user=user).first()
    if existing is not None:
        raise ValidationError(
            {
                "email": f"{user} ({user.email}) is already a member of {court} "
                f"({existing.get_organisation_display()}, "
                f"{existing.get_role_display().lower()})."
            }
        )
    try:
        with transaction.atomic():
            return Membership.objects.create(
                court=court, user=user, organisation=organisation, role=role
            )
    except IntegrityError as exc:  # a second invitation raced past the check
        raise ValidationError(
            {"email": f"{user} is already a member of {court}."}
        ) from exc

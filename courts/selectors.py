"""Reads of courts and their people."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When

from .access import ccpor_staff_users
from .models import Court, Membership


@dataclass(frozen=True)
class Contact:
    """One person to reach about a court's onboarding, as the court page lists them."""

    name: str
    organisation: str
    role: str
    email: str
    phone: str = ""
    user_id: int | None = None

    @property
    def tel(self) -> str:
        """The phone number as a tel: link wants it (digits and a leading +)."""
        return re.sub(r"[^\d+]", "", self.phone)


CCPOR_TEAM = "CCPOR Team"


# Roles in the order people look for them: the lead first, viewers last.
_ROLE_RANK = Case(
    *[When(role=role, then=Value(n)) for n, role in enumerate(Membership.Role)],
    output_field=IntegerField(),
)


def court_members(court: Court | int) -> QuerySet[Membership]:
    """The court's memberships of active people, with their user, by organisation
    (Court, then Sheriff's Office), role (project lead first, viewers last) and
    name."""
    return (
        Membership.objects.filter(court=court, user__is_active=True)
        .select_related("user")
        .order_by("organisation", _ROLE_RANK, "user__last_name", "user__username")
    )


def court_leads(court: Court) -> QuerySet[Membership]:
    """The court's project leads (the court's own, not the sheriff's office's)."""
    return court_members(court).filter(
        organisation=Membership.Organisation.COURT,
        role=Membership.Role.PROJECT_LEAD,
    )


def court_contacts(court: Court) -> list[Contact]:
    """Who to reach about a court's onboarding: its members (court, then sheriff's
    office), then the CCPOR Team (its shared mailbox and each staff member). Two
    queries."""
    contacts = [
        Contact(
            name=str(m.user),
            organisation=m.get_organisation_display(),
            role=m.get_role_display(),
            email=m.user.email,
            phone=m.user.phone,
            user_id=m.user_id,
        )
        for m in court_members(court)
    ]
    if settings.CCPOR_TEAM_EMAIL:
        contacts.append(
            Contact(
                name="CCPOR Team (shared mailbox)",
                organisation=CCPOR_TEAM,
                role="Team mailbox",
                email=settings.CCPOR_TEAM_EMAIL,
            )
        )
    contacts.extend(
        Contact(
            name=str(user),
            organisation=CCPOR_TEAM,
            role="CCPOR staff",
            email=user.email,
            phone=user.phone,
            user_id=user.pk,
        )
        for user in ccpor_staff_users().order_by("last_name", "username")
    )
    return contacts

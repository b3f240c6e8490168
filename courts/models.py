from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ccpor_onboard.lib.bounds import validate_single_line

# The six Court of Appeal districts, as people name them.
DISTRICT_LABELS = {
    n: f"{ordinal} District"
    for n, ordinal in enumerate(("1st", "2nd", "3rd", "4th", "5th", "6th"), start=1)
}


class Court(models.Model):
    class CourtType(models.TextChoices):
        SUPERIOR = "superior", "Superior court"
        TRIBAL = "tribal", "Tribal court"

    name = models.CharField(
        max_length=200, unique=True, validators=[validate_single_line]
    )
    slug = models.SlugField(max_length=100, unique=True)
    county = models.CharField(
        max_length=100, blank=True, validators=[validate_single_line]
    )
    court_type = models.CharField(
        max_length=20, choices=CourtType.choices, default=CourtType.SUPERIOR
    )
    district = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Court of Appeal district (1-6); superior courts only.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        court_type="superior",
                        district__isnull=False,
                        district__gte=1,
                        district__lte=6,
                    )
                    | Q(court_type="tribal", district__isnull=True)
                ),
                name="court_district_matches_type",
                violation_error_message=(
                    "A superior court needs a Court of Appeal district from 1 to 6; "
                    "a tribal court has none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:court", kwargs={"slug": self.slug})

    @staticmethod
    def url_builder() -> Callable[[str], str]:
        """slug -> the court page's URL, by string joining around one reverse(): for
        pages that link thousands of courts (a reverse() per court is what they
        would spend most of their time on)."""
        marker = "court-slug-marker"
        head, tail = reverse("portal:court", kwargs={"slug": marker}).split(marker)
        return lambda slug: f"{head}{slug}{tail}"

    @property
    def _named_by_county(self) -> bool:
        # People call a superior court by its county ("Alameda").
        return self.court_type == self.CourtType.SUPERIOR and bool(self.county)

    @property
    def short_name(self) -> str:
        """The court in a list: its county for a superior court ("Alameda"), else its
        name."""
        return Court.short_name_of(
            court_type=self.court_type, county=self.county, name=self.name
        )

    @staticmethod
    def short_name_of(*, court_type: str, county: str, name: str) -> str:
        """`short_name` from a court's values, for lists read without model objects
        (the statewide view's thousands of tiles)."""
        if court_type == Court.CourtType.SUPERIOR and county:
            return county
        return name

    @property
    def everyday_name(self) -> str:
        """The court in a sentence: "Alameda Superior Court", else its name."""
        return f"{self.county} Superior Court" if self._named_by_county else self.name

    @property
    def district_label(self) -> str:
        """A superior court's district ("3rd District"), else its type."""
        if self.district:
            return DISTRICT_LABELS[self.district]
        return self.get_court_type_display()


class Membership(models.Model):
    """A person's place in one court's onboarding: for the court or its sheriff."""

    class Organisation(models.TextChoices):
        COURT = "court", "Court"
        SHERIFF = "so", "Sheriff's Office"

    class Role(models.TextChoices):
        PROJECT_LEAD = "project_lead", "Project lead"
        IT_CONTACT = "it_contact", "IT contact"
        EXECUTIVE_OFFICER = "executive_officer", "Executive officer"
        LIAISON = "liaison", "Liaison"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    court = models.ForeignKey(
        Court, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.CharField(max_length=10, choices=Organisation.choices)
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["court__name", "organisation", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "court"], name="one_membership_per_user_and_court"
            ),
        ]

    def __str__(self) -> str:
        org, role = self.get_organisation_display(), self.get_role_display()
        return f"{self.user} – {self.court} ({org}, {role})"


# The roles each organisation's people hold: the executive officer is the court's
# (they sign its acceptance and close-out), the liaison the sheriff's office's (they
# sign for it). Checked on every path that gives or changes a membership
# (courts.services.membership_add, the admin's forms, courts/receivers.py).
ROLES_OF_ORGANISATION = {
    Membership.Organisation.COURT: (
        Membership.Role.PROJECT_LEAD,
        Membership.Role.IT_CONTACT,
        Membership.Role.EXECUTIVE_OFFICER,
        Membership.Role.VIEWER,
    ),
    Membership.Organisation.SHERIFF: (
        Membership.Role.LIAISON,
        Membership.Role.PROJECT_LEAD,
        Membership.Role.IT_CONTACT,
        Membership.Role.VIEWER,
    ),
}


def role_refusal(organisation: str, role: str) -> str:
    """Why a member of `organisation` may not hold `role`, or "" (also "" for an
    unknown organisation or role: the field's own choices refuse those)."""
    allowed = ROLES_OF_ORGANISATION.get(organisation)
    if allowed is None or role not in Membership.Role.values or role in allowed:
        return ""
    org = Membership.Organisation(organisation).label
    labels = [Membership.Role(r).label for r in allowed]
    choices = ", ".join(labels[:-1]) + f" or {labels[-1]}"
    elsewhere = [
        Membership.Organisation(other).label
        for other, roles in ROLES_OF_ORGANISATION.items()
        if role in roles
    ]
    belongs = f" (it is a {elsewhere[0]} role)" if elsewhere else ""
    return (
        f"{Membership.Role(role).label} is not a role of the {org}{belongs}: "
        f"choose {choices}."
    )

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Court(models.Model):
    class CourtType(models.TextChoices):
        SUPERIOR = "superior", "Superior court"
        TRIBAL = "tribal", "Tribal court"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    county = models.CharField(max_length=100, blank=True)
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
        return reverse("courts:detail", kwargs={"slug": self.slug})


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

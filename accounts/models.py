import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class User(AbstractUser):
    """The product's user, with the per-person settings the product needs."""

    weekly_digest = models.BooleanField(
        "weekly digest of overdue items",
        default=True,
        help_text="One e-mail a week listing your organisation's overdue items.",
    )
    calendar_token = models.CharField(
        max_length=64,
        default=new_secret,
        unique=True,
        help_text="Secret in the person's calendar feed URL; reset it to revoke.",
    )
    phone = models.CharField(
        "phone",
        max_length=40,
        blank=True,
        help_text="Optional; shown to the people of your courts' onboardings.",
    )
    api_token = models.CharField(
        max_length=64,
        default=new_secret,
        unique=True,
        help_text="Secret for the read-only JSON API (Authorization: Token ...).",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ccpor_onboard.lib.bounds import validate_date_in_window, validate_single_line

# What an active account's e-mail address must not share with another active one:
# the address signs in (accounts.backends) and receives the set-password links.
EMAIL_TAKEN = (
    "Another active account already uses this e-mail address: each person signs in "
    "with their own."
)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class ApiScope(models.TextChoices):
    """What a personal API token may do: read, or read and write (docs/api.md)."""

    READ = "read", "Read"
    WRITE = "write", "Read and write"


def api_token_digest(token: str) -> str:
    """What is stored of an API token: its SHA-256, hex. A token is 256 random bits,
    so a fast hash is enough (nothing to guess from it); the token itself is shown
    to its owner once, when it is made, and kept nowhere."""
    return hashlib.sha256(token.encode()).hexdigest()


class ProductUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """Django's, except that the password must pass the validators: the most
        powerful accounts get no way around them (createsuperuser offers one)."""
        if password is not None:
            validate_password(password, self.model(username=username, email=email))
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """The product's user, with the per-person settings the product needs."""

    # Django's fields, with the product's bounds (names on one line, dates within
    # the calendar window): the admin's user form types them.
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    email = models.EmailField(
        _("email address"), blank=True, validators=[validate_single_line]
    )
    last_login = models.DateTimeField(
        _("last login"), blank=True, null=True, validators=[validate_date_in_window]
    )
    date_joined = models.DateTimeField(
        _("date joined"), default=timezone.now, validators=[validate_date_in_window]
    )
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
        validators=[validate_single_line],
        help_text="Optional; shown to the people of your courts' onboardings.",
    )
    api_token_digest = models.CharField(
        "API token (SHA-256)",
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="What is kept of the person's token for the JSON API "
        "(Authorization: Token ...); empty when they have none. The token is shown "
        "once, when made.",
    )
    api_token_scope = models.CharField(
        "API token scope",
        max_length=10,
        choices=ApiScope.choices,
        default=ApiScope.READ,
        editable=False,
        help_text="What the person's API token may do; chosen when it is made.",
    )

    objects = ProductUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # An address names one active person: signing in by e-mail, a reset link
            # and an invitation all look an account up by its address. Deactivated
            # accounts keep theirs (history), so they are left out.
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(is_active=True) & ~Q(email=""),
                name="accounts_user_active_email_unique",
                violation_error_message=EMAIL_TAKEN,
            ),
        ]
        indexes = [
            # The few superusers among many members (courts.access.ccpor_staff_users,
            # on every court page): found without reading every user.
            models.Index(
                fields=["id"],
                condition=models.Q(is_superuser=True),
                name="accounts_user_superusers",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Session(AbstractBaseSession):
    """A browser session, with the signed-in person (None for a visitor)."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    expire_date = models.DateTimeField(
        _("expire date"), db_index=True, validators=[validate_date_in_window]
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = "session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore

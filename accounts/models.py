from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The product's user: per-person settings (digest opt-out, calendar secret,
    one-time-password devices) are added here as the product grows."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

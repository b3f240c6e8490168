"""Django's createsuperuser, without a way around the password validators.

Django's asks "Bypass password validation and create user anyway?" and does not check
DJANGO_SUPERUSER_PASSWORD at all with --noinput; the user manager now refuses a weak
password in both cases, and this turns the refusal into a plain error.
"""

from django.contrib.auth.management.commands import createsuperuser
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        try:
            return super().handle(*args, **options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

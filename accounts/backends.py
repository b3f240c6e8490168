"""Signing in with a user name or an e-mail address (settings.AUTHENTICATION_BACKENDS).

The name typed is looked up as a user name first (user names may hold an "@"), then
as the address of an active account: the database keeps addresses unique among
active accounts (the `accounts_user_active_email_unique` constraint), so an address
names one person. django-axes counts failures under the account's user name
whichever was typed (accounts.lockout).
"""

from django.contrib.auth.backends import ModelBackend

from .models import User


def account_for_sign_in_name(name: str) -> User | None:
    """The account a sign-in name means: the one with that user name, else the
    active one with that e-mail address (case does not matter), else None."""
    name = (name or "").strip()
    if not name:
        return None
    user = User.objects.filter(username=name).first()
    if user is None and "@" in name:
        user = User.objects.filter(email__iexact=name, is_active=True).first()
    return user


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = account_for_sign_in_name(username)
        if user is None:
            # As ModelBackend does: spend the time of a password check, so that
            # the answer's delay does not tell whether the name exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit
in a Django process of its own (tests/sso/conftest.py starts it on 127.0.0.1)."""

# Every person's password at the provider (a throwaway test process).
PASSWORD = "provider-password"  # noqa: S105

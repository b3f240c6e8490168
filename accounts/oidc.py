"""Single sign-on with an OpenID Connect provider (mozilla-django-oidc), on when
settings.SSO_ENABLED (the OIDC_* environment variables, docs/sso.md).

Who a provider's sign-in is. The provider never makes an account and never grants
a court: it only proves which existing, active account is signing in.

- By the `email` claim when the provider says it is verified (`email_verified`
  true): e-mail addresses are unique among active accounts (the
  `accounts_user_active_email_unique` constraint), so an address names one person.
- Else, when settings.OIDC_MATCH_CLAIM names a claim (Entra ID sends no
  `email_verified`: `preferred_username` or `upn`, the organisation's sign-in
  name, which is the person's address there), by that claim's value as the
  account's e-mail address.
- Nobody else: the callback answers with a page that says why (`SsoRefused`), and
  the refusal is in the audit log. django-axes is not involved: the lockout counts
  local passwords only (the callback calls this backend itself, not
  django.contrib.auth.authenticate, whose failure signal axes counts).

A session signed in this way keeps the provider's `amr` claim: with
settings.OIDC_ACCEPT_PROVIDER_MFA, "mfa" in it counts as the second factor
(accounts.middleware.second_factor_given).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import User

BACKEND_PATH = "accounts.oidc.SingleSignOnBackend"
# The session remembers the provider's authentication methods (the `amr` claim).
AMR_KEY = "sso_amr"


class SsoRefused(Exception):
    """The provider signed someone in whom this product does not let in; the
    message is what the person is told (and what the audit log keeps)."""


class TokenRejected(ValueError):
    """The provider's answer does not hold together (the callback audits why;
    mozilla-django-oidc would swallow a SuspiciousOperation raised here)."""


def _is_true(value) -> bool:
    return value is True or str(value).lower() == "true"


def account_for_claims(claims: dict) -> User:
    """The active account these claims name; SsoRefused saying why otherwise."""
    email = str(claims.get("email") or "").strip()
    if email and _is_true(claims.get("email_verified")):
        address, how = email, "verified e-mail address"
    elif settings.OIDC_MATCH_CLAIM and claims.get(settings.OIDC_MATCH_CLAIM):
        address = str(claims[settings.OIDC_MATCH_CLAIM]).strip()
        how = f"“{settings.OIDC_MATCH_CLAIM}”"
    else:
        raise SsoRefused(
            "The sign-in service did not confirm your e-mail address, so this site "
            "cannot tell which account is yours."
        )
    user = User.objects.filter(email__iexact=address, is_active=True).first()
    if user is None:
        raise SsoRefused(
            f"No active account here has the address {address} (your {how} at the "
            "sign-in service). Single sign-on does not create accounts: ask the "
            "CCPOR Team to invite you."
        )
    return user


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, matching claims to an existing account.

    `authenticate` takes the callback's `nonce` and `code_verifier` only, so that
    Django's password sign-in never reaches it."""

    def authenticate(self, request, *, nonce, code_verifier=None):
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def get_or_create_user(self, access_token, id_token, payload):
        # mozilla-django-oidc checks the ID token's signature, expiry and nonce;
        # its audience and the userinfo's subject are checked here.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise TokenRejected("the ID token was issued to another client")
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if str(userinfo.get("sub", payload.get("sub"))) != str(payload.get("sub")):
            raise TokenRejected("the userinfo is about another subject")
        user = account_for_claims({**payload, **userinfo})
        self.request.sso_amr = [str(m) for m in payload.get("amr") or []][:10]
        return user

    def get_user(self, user_id):
        # Django's: an account made inactive since sign-in is signed out.
        return ModelBackend.get_user(self, user_id)


def provider_logout_url(request) -> str:
    """Where sign-out sends a person signed in by the provider, to end the
    provider's session too (OIDC_OP_LOGOUT_ENDPOINT, RP-initiated logout); "" when
    not configured or not signed in that way."""
    id_token = request.session.get("oidc_id_token")
    if not (settings.SSO_ENABLED and settings.OIDC_OP_LOGOUT_ENDPOINT and id_token):
        return ""
    back = request.build_absolute_uri(resolve_url(settings.LOGIN_URL))
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": back,
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"


def signed_in_by_sso(request) -> bool:
    """Whether this session was signed in by the provider."""
    session = getattr(request, "session", None)
    return bool(
        session is not None and session.get(BACKEND_SESSION_KEY) == BACKEND_PATH
    )

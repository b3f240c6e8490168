"""Single sign-on pages: start at the provider, come back (the callback), and a
sign-out that also ends the provider's session. Answer 404 while single sign-on is
not configured (settings.SSO_ENABLED). See accounts.oidc and docs/sso.md."""

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.views import LogoutView
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from audit.models import AuditEvent
from audit.services import audit_record

from .middleware import OTP_PENDING_KEY, PROVIDER_MFA_KEY
from .oidc import (
    AMR_KEY,
    BACKEND_PATH,
    SingleSignOnBackend,
    SsoRefused,
    provider_logout_url,
)

# What a failed check of the provider's answer is told (the audit log keeps the
# technical reason).
NOT_CHECKED = (
    "The answer of the sign-in service could not be checked (it may have expired, "
    "or been meant for another sign-in). Start again from the sign-in page."
)
DETAIL_MAX = 500


def _require_sso() -> None:
    if not settings.SSO_ENABLED:
        raise Http404("Single sign-on is not configured.")


def _refused(request, message: str, *, detail: str, username: str = ""):
    """Refuse the sign-in: audited, and a page saying why (never a 500)."""
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        username=username[:150],
        detail=f"single sign-on refused: {detail}"[:DETAIL_MAX],
        request=request,
    )
    return render(
        request,
        "accounts/sso_refused.html",
        {"message": message, "provider": settings.OIDC_PROVIDER_NAME},
        status=403,
    )


@require_GET
def sso_start(request):
    """Off to the provider (state, nonce and PKCE kept in the session)."""
    _require_sso()
    return OIDCAuthenticationRequestView.as_view()(request)


@require_GET
def sso_callback(request):
    """The provider's answer: the code is exchanged for tokens, the ID token's
    signature, expiry and nonce are checked, the claims name an account."""
    _require_sso()
    if request.GET.get("error"):
        error = str(request.GET.get("error"))[:100]
        description = str(request.GET.get("error_description", ""))[:200]
        return _refused(
            request,
            "The sign-in service did not sign you in. Try again, or sign in with "
            "your password.",
            detail=f"the provider answered {error}: {description}",
        )
    state = str(request.GET.get("state", ""))
    states = request.session.get("oidc_states") or {}
    if not request.GET.get("code") or state not in states:
        return _refused(request, NOT_CHECKED, detail="unknown or missing state")
    started = states.pop(state)  # used once, whatever happens next
    request.session["oidc_states"] = states
    backend = SingleSignOnBackend()
    try:
        user = backend.authenticate(
            request,
            nonce=started.get("nonce"),
            code_verifier=started.get("code_verifier"),
        )
    except SsoRefused as exc:
        return _refused(request, str(exc), detail=str(exc))
    except (
        SuspiciousOperation,
        jwt.InvalidTokenError,
        requests.RequestException,
        ValueError,
        KeyError,
    ) as exc:
        return _refused(request, NOT_CHECKED, detail=f"{type(exc).__name__}: {exc}")
    if user is None:
        return _refused(request, NOT_CHECKED, detail="no account was matched")
    user.backend = BACKEND_PATH
    amr = getattr(request, "sso_amr", [])
    auth.login(request, user)  # the session policy, the audit log, the 2FA step
    request.session[AMR_KEY] = amr
    if settings.OIDC_ACCEPT_PROVIDER_MFA and "mfa" in amr:
        request.session[PROVIDER_MFA_KEY] = True
        request.session.pop(OTP_PENDING_KEY, None)
    next_url = request.session.pop("oidc_login_next", None)
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


class SignOutView(LogoutView):
    """Django's sign-out; a person signed in by the provider is then sent to the
    provider's end-session page (OIDC_OP_LOGOUT_ENDPOINT), which signs them out
    there too and sends them back to the sign-in page."""

    def post(self, request, *args, **kwargs):
        provider_url = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return redirect(provider_url) if provider_url else response

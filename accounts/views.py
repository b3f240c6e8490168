import base64
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import (
    LoginView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from ccpor_onboard.lib.client_ip import client_ip
from ccpor_onboard.lib.rate_limit import rate_limit_hit
from ccpor_onboard.lib.requests import safe_next_url

from . import enrolment, services
from .forms import OTPTokenForm
from .middleware import OTP_ENROLLED_KEY, OTP_PENDING_KEY


def _next_url(request) -> str:
    """Where to go after the second factor: a safe ?next=, else the landing page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return safe_next_url(request, candidate, resolve_url(settings.LOGIN_REDIRECT_URL))


def _second_factor_passed(request, device) -> None:
    # A new session key for the more trusted session, as at sign-in.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[OTP_ENROLLED_KEY] = True
    request.session.pop(OTP_PENDING_KEY, None)


def _setup_url(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    url = reverse("accounts:otp_setup")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _prove_it_is_you(request):
    """The first step of setting up an authenticator app: a code mailed to the
    account's address (accounts/enrolment.py)."""
    user = request.user
    form = OTPTokenForm(label="Code from the e-mail")
    status = 200
    if request.method == "POST" and "send_code" in request.POST and user.email:
        refused = rate_limit_hit(
            "otp_enrolment_code", f"user:{user.pk}", f"ip:{client_ip(request)}"
        )
        if refused:
            messages.error(request, refused.message)
            status = 429
        else:
            try:
                enrolment.enrolment_code_send(request)
            except OSError:
                messages.error(
                    request,
                    "The code could not be sent just now: try again in a few minutes.",
                )
                status = 503
            else:
                messages.info(
                    request,
                    f"A code is on its way to {enrolment.masked_address(user.email)}.",
                )
                return redirect(_setup_url(request))
    elif request.method == "POST" and user.email:
        form = OTPTokenForm(request.POST, label="Code from the e-mail")
        if form.is_valid():
            if enrolment.enrolment_code_check(request, form.cleaned_data["token"]):
                services.user_discard_unconfirmed_totp(user=user)
                return redirect(_setup_url(request))
            form.add_error(
                "token",
                "That code is not right, or it has expired or been tried too often: "
                "check the latest e-mail, or send a new code.",
            )
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "prove": True,
            "form": form,
            "code_sent": enrolment.enrolment_code_pending(request),
            "address": enrolment.masked_address(user.email) if user.email else "",
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Set up an authenticator app (TOTP): first a code mailed to the account's
    address (a password alone does not enrol a device), then scan the QR code or
    type the key, and give the first code from the app to prove it works."""
    user = request.user
    device = services.user_totp_device(user)
    if device is not None:
        return render(request, "accounts/otp_setup.html", {"device": device})
    if not enrolment.enrolment_proven(request):
        return _prove_it_is_you(request)
    pending = services.user_start_totp_enrolment(user=user)
    form = OTPTokenForm(request.POST or None, submit_label="Turn on")
    if request.method == "POST" and form.is_valid():
        if services.user_confirm_totp_device(
            user=user, device=pending, token=form.cleaned_data["token"]
        ):
            _second_factor_passed(request, pending)
            enrolment.enrolment_end(request)
            messages.success(
                request,
                "Two-factor authentication is on: signing in now asks for a code "
                "from your app after your password.",
            )
            return redirect(_next_url(request))
        form.add_error(
            "token",
            "That code does not match. Check the time on your phone, wait for the "
            "next code and try again.",
        )
    uri = pending.config_url
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "otpauth_uri": uri,
            "secret": base64.b32encode(pending.bin_key).decode(),
            # segno writes plain SVG paths (no script, no style attribute).
            "qr_svg": mark_safe(  # noqa: S308 - generated from our own URI
                segno.make(uri, error="m").svg_inline(scale=4, title="QR code")
            ),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of signing in for a person with an authenticator app."""
    user = request.user
    if user.is_verified() or services.user_totp_device(user) is None:
        request.session.pop(OTP_PENDING_KEY, None)
        return redirect(_next_url(request))
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.user_verify_totp(user=user, token=form.cleaned_data["token"])
        if device is not None:
            _second_factor_passed(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token",
            "That code is not right, or it was used already. Wait for the next code "
            "and try again (each wrong code makes the next try wait longer).",
        )
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


class SignInView(LoginView):
    """Django's sign-in page, with single sign-on offered beside the password when
    it is configured (accounts.oidc)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.SSO_ENABLED
        context["sso_provider"] = settings.OIDC_PROVIDER_NAME
        return context


class RateLimitedPasswordResetView(PasswordResetView):
    """Django's "Forgotten your password?", at most settings.RATE_LIMITS
    ["password_reset"] per address typed and per client address: each request mails
    someone. The refusal is the same whether an account has that address or not."""

    def form_valid(self, form):
        refused = rate_limit_hit(
            "password_reset",
            f"email:{form.cleaned_data['email'].lower()}",
            f"ip:{client_ip(self.request)}",
        )
        if refused:
            form.add_error(None, refused.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


# Set when a set-password link gave an account its first password, so that the next
# page welcomes the person instead of telling them about sessions and tokens.
FIRST_PASSWORD_KEY = "first_password_set"  # noqa: S105 - a session key


class SetPasswordView(PasswordResetConfirmView):
    """Django's set-password page (the reset link and the invitation's link), which
    welcomes a person who has never signed in: their first password, not a new
    one."""

    def _first_password(self) -> bool:
        user = getattr(self, "user", None)
        return user is not None and user.last_login is None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self._first_password():
            form.fields["new_password1"].label = "Password"
            form.fields["new_password2"].label = "The same password again"
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["first_password"] = bool(context.get("validlink")) and (
            self._first_password()
        )
        context["account"] = self.user if context["first_password"] else None
        return context

    def form_valid(self, form):
        first = self._first_password()
        response = super().form_valid(form)
        if first:
            self.request.session[FIRST_PASSWORD_KEY] = True
        return response


class PasswordSetView(PasswordResetCompleteView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["first_password"] = bool(
            self.request.session.pop(FIRST_PASSWORD_KEY, False)
        )
        return context


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in (settings.AXES_LOCKOUT_CALLABLE).

    The same page whoever was typed: it never tells whether an account exists.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "registration/locked_out.html", {"minutes": minutes}, status=429
    )

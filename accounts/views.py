import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from ccpor_onboard.lib.requests import safe_next_url

from . import services
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


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Set up an authenticator app (TOTP): scan the code or type the key, then give
    the first code to prove it works."""
    user = request.user
    device = services.user_totp_device(user)
    if device is not None:
        return render(request, "accounts/otp_setup.html", {"device": device})
    pending = services.user_start_totp_enrolment(user=user)
    form = OTPTokenForm(request.POST or None, submit_label="Turn on")
    if request.method == "POST" and form.is_valid():
        if services.user_confirm_totp_device(
            user=user, device=pending, token=form.cleaned_data["token"]
        ):
            _second_factor_passed(request, pending)
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


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in (settings.AXES_LOCKOUT_CALLABLE).

    The same page whoever was typed: it never tells whether an account exists.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "registration/locked_out.html", {"minutes": minutes}, status=429
    )

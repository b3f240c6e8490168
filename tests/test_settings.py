"""Production settings refuse to start without their secret and pass check --deploy."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def _manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "TRUSTED_PROXY_COUNT"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "ccpor_onboard.settings.production",
            "TRUSTED_PROXY_COUNT": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_ALLOWED_HOSTS="ccpor.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("proxies", ["0", "1", "2"])
def test_production_passes_check_deploy(proxies):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-value",
        DJANGO_ALLOWED_HOSTS="ccpor.example.org",
        TRUSTED_PROXY_COUNT=proxies,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_proxy_count():
    """No guess: too many proxies lets clients forge their address, too few makes
    everyone the proxy's address (one person's failures lock out everyone)."""
    clean = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in clean.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "ccpor_onboard.settings.production",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "ccpor.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr


def test_production_keeps_the_security_settings():
    """The hardening lives in base settings; production must not lose any of it."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES'],"
        "'middleware': s.MIDDLEWARE, 'backends': s.AUTHENTICATION_BACKENDS,"
        "'otp_admin': s.OTP_ADMIN_REQUIRED, 'idle': s.SESSION_IDLE_TIMEOUT,"
        "'absolute': s.SESSION_ABSOLUTE_TIMEOUT, 'limit': s.AXES_FAILURE_LIMIT,"
        "'params': s.AXES_LOCKOUT_PARAMETERS, 'engine': s.SESSION_ENGINE,"
        "'secure_cookie': s.SESSION_COOKIE_SECURE, 'otp_staff': s.OTP_STAFF_REQUIRED,"
        "'proxy_header': s.SECURE_PROXY_SSL_HEADER}))"
    )
    result = _manage(
        "shell",
        "-c",
        code,
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-value",
        DJANGO_ALLOWED_HOSTS="ccpor.example.org",
    )
    assert result.returncode == 0, result.stderr
    import json

    got = json.loads(result.stdout.strip().splitlines()[-1])
    for directive in ("script-src", "style-src", "default-src"):
        assert got["csp"][directive] == ["'self'"]
    assert "csp.middleware.CSPMiddleware" in got["middleware"]
    assert got["middleware"][-1] == "axes.middleware.AxesMiddleware"
    for name in ("SessionPolicyMiddleware", "SecondFactorMiddleware"):
        assert f"accounts.middleware.{name}" in got["middleware"]
    assert got["backends"][0] == "axes.backends.AxesStandaloneBackend"
    assert got["otp_admin"] is True and got["otp_staff"] is True
    assert got["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert "courts.middleware.StaffSecondFactorMiddleware" in got["middleware"]
    assert (got["idle"], got["absolute"], got["limit"]) == (1800, 43200, 5)
    assert got["params"] == ["username", "ip_address"]
    assert got["engine"] == "accounts.sessions" and got["secure_cookie"] is True

"""The address a request came from, for the lockout per address (django-axes,
settings.AXES_CLIENT_IP_CALLABLE), the rate limits and the audit log: one function,
so that all three count the same client.

One setting says how to read it: TRUSTED_PROXY_COUNT, the number of proxies in front
of the app that each append the address they received from to X-Forwarded-For.
"""

import ipaddress

from django.conf import settings
from django.core import checks


def _valid(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's IP address, or None when it cannot be told.

    Behind `TRUSTED_PROXY_COUNT` proxies, the client is that many entries from the
    right of X-Forwarded-For; entries further left were written by the client itself
    and are never trusted. With no proxy (0, the default) it is the peer address, and
    X-Forwarded-For is ignored. A request that reached the app without passing every
    proxy (fewer entries than proxies) is counted at its peer address: an address
    nobody can forge, and never one shared bucket for every such request.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return _valid(forwarded[-proxies])
    return _valid(request.META.get("REMOTE_ADDR", ""))


def proxy_settings_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """An error when the HTTPS header of a proxy is trusted but no proxy is counted
    (or the count is negative): the app would believe a client that says it used
    HTTPS, and read every client as the proxy's one address, so that one person's
    failed sign-ins would lock out everyone. Registered in accounts/apps.py."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    errors = []
    if not isinstance(count, int) or count < 0:
        errors.append(
            checks.Error(
                f"TRUSTED_PROXY_COUNT is {count!r}: it must be 0 or more.",
                id="ccpor_onboard.E001",
            )
        )
    elif settings.SECURE_PROXY_SSL_HEADER and count == 0:
        errors.append(
            checks.Error(
                "SECURE_PROXY_SSL_HEADER is set but TRUSTED_PROXY_COUNT is 0.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of "
                "the app (docs/operations.md), or stop trusting the header.",
                id="ccpor_onboard.E002",
            )
        )
    return errors

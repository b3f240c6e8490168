"""The address a request came from, for the lockout per address and the audit log."""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's IP address, or None when it cannot be told.

    Behind `TRUSTED_PROXY_COUNT` proxies that each append the address they received
    from to X-Forwarded-For, the client is that many entries from the right; entries
    further left were written by the client itself and are never trusted. With no
    proxy (0, the default) it is the peer address.
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
        return None
    return _valid(request.META.get("REMOTE_ADDR", ""))

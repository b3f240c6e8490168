"""The client's address behind proxies comes from one setting, TRUSTED_PROXY_COUNT:
no client can forge it, and the lockout, the rate limits and the audit log all
count the same address, so one client's failures never lock out another. A proxy's
HTTPS header trusted without a proxy count fails the system checks."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import RequestFactory

from ccpor_onboard.lib.client_ip import client_ip, proxy_settings_check
from tests.accounts.conftest import PASSWORD

PROXY = "10.0.0.254"  # the proxy every request below comes through
LIMIT = 5  # AXES_FAILURE_LIMIT


def address(forwarded: str | None, *, peer: str = PROXY) -> str | None:
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address("203.0.113.7", peer="198.51.100.4") == "198.51.100.4"


@pytest.mark.parametrize(
    "proxies,forwarded,expected",
    [
        # One proxy appends the client's address: the right-most entry.
        (1, "203.0.113.7", "203.0.113.7"),
        # What the client wrote itself stays to the left, never read.
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6,6.6.6.7 , 203.0.113.7", "203.0.113.7"),
        # Two proxies: the load balancer appends the client, nginx the balancer.
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_behind_n_proxies_the_nth_entry_from_the_right(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert address(forwarded) == expected


@pytest.mark.parametrize("forwarded", [None, "", " , "])
def test_a_request_that_skipped_the_proxies_counts_at_its_peer(settings, forwarded):
    """Fewer entries than proxies: the request did not come through them all; its
    peer is an address nobody can forge (never one bucket for all such requests)."""
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(forwarded, peer="198.51.100.9") == "198.51.100.9"


def test_a_malformed_entry_is_no_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert address("6.6.6.6, not-an-address") is None


def sign_in(client, username: str, password: str, *, forwarded: str):
    """A sign-in through the proxy, from the client the proxy names."""
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def fail_sign_in(client, *, forwarded: str, times: int) -> None:
    for n in range(times):
        sign_in(client, f"guess-{n}", "wrong-password", forwarded=forwarded)


@pytest.mark.django_db
def test_one_clients_failures_do_not_lock_out_another_behind_the_proxy(
    client, court_lead, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_sign_in(client, forwarded="203.0.113.66", times=LIMIT)
    assert AccessAttempt.objects.filter(ip_address="203.0.113.66").exists()
    assert not AccessAttempt.objects.filter(ip_address=PROXY).exists()
    assert (
        sign_in(client, "lead-a", PASSWORD, forwarded="203.0.113.66").status_code == 429
    )
    assert (
        sign_in(client, "lead-a", PASSWORD, forwarded="203.0.113.77").status_code == 302
    )


@pytest.mark.django_db
def test_a_locked_out_client_cannot_forge_its_way_out(client, court_lead, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_sign_in(client, forwarded="203.0.113.66", times=LIMIT)
    # The client writes another address; the proxy appends the real one.
    forged = sign_in(client, "lead-a", PASSWORD, forwarded="203.0.113.77, 203.0.113.66")
    assert forged.status_code == 429


@pytest.mark.django_db
def test_without_proxies_a_forged_header_changes_nothing(client, court_lead, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(LIMIT):
        client.post(
            "/accounts/login/",
            {"username": f"guess-{n}", "password": "wrong-password"},
            REMOTE_ADDR="198.51.100.4",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "lead-a", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.4",
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert response.status_code == 429


def test_trusting_the_https_header_without_a_proxy_count_is_an_error(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert [e.id for e in proxy_settings_check()] == ["ccpor_onboard.E002"]
    with pytest.raises(SystemCheckError, match="TRUSTED_PROXY_COUNT is 0"):
        call_command("check")
    settings.TRUSTED_PROXY_COUNT = 1
    assert proxy_settings_check() == []


def test_a_negative_proxy_count_is_an_error(settings):
    settings.TRUSTED_PROXY_COUNT = -1
    assert [e.id for e in proxy_settings_check()] == ["ccpor_onboard.E001"]


def test_no_proxy_and_no_https_header_is_fine(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.TRUSTED_PROXY_COUNT = 0
    assert proxy_settings_check() == []

""" "Forgotten your password?" is rate-limited per address typed and per client
address; the refusal is the same whether an account has the address or not, and
the page works without limits when the cache is down."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limit_of_two(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 3600)}


def ask(client, email: str, ip: str = "10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_one_address_typed_is_limited(client, court_lead):
    responses = [ask(client, court_lead.email, ip=f"10.0.0.{n}") for n in range(3)]
    assert [r.status_code for r in responses] == [302, 302, 429]
    assert "Too many requests" in responses[-1].content.decode()
    assert len(mail.outbox) == 2


def test_one_client_address_is_limited(client, court_lead, other_lead):
    ask(client, "someone@example.org")
    ask(client, "someone.else@example.org")
    assert ask(client, court_lead.email).status_code == 429
    assert mail.outbox == []
    # Another client asks for the same person: served.
    assert ask(client, court_lead.email, ip="10.0.0.2").status_code == 302
    assert len(mail.outbox) == 1


def test_the_refusal_says_nothing_about_accounts(client, court_lead):
    for _ in range(2):
        ask(client, court_lead.email, ip="10.0.1.1")
        ask(client, "nobody@example.org", ip="10.0.1.2")
    known = ask(client, court_lead.email, ip="10.0.1.1")
    unknown = ask(client, "nobody@example.org", ip="10.0.1.2")
    assert known.status_code == unknown.status_code == 429

    def page(response, typed: str) -> str:
        html = response.content.decode().replace(typed, "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert page(known, court_lead.email) == page(unknown, "nobody@example.org")


def test_resets_work_when_the_cache_is_down(client, court_lead, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(cache, "add", down)
    assert [ask(client, court_lead.email).status_code for _ in range(4)] == [302] * 4
    assert len(mail.outbox) == 4

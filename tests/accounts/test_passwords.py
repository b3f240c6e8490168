"""Weak passwords are refused on every path that sets one: the password page, a reset
link, the admin (new user, change password), seed_demo --password, createsuperuser
(prompted or not) and changepassword."""

import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import UserFactory

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()

# (password, what the validators say), for a user named alexander.hamilton
WEAK = [
    ("short-pw", "at least 12 characters"),
    ("qwerty123456", "too common"),
    ("739184620537", "entirely numeric"),
    ("alexander.hamilton!", "too similar"),
]
STRONG = "plum tractor saddle nine"
# The user admin's membership inline, empty.
NO_MEMBERSHIPS = {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}


@pytest.fixture
def alexander(db):
    return UserFactory(
        username="alexander.hamilton",
        first_name="Alexander",
        last_name="Hamilton",
        email="alexander.hamilton@example.org",
    )


@pytest.mark.parametrize("weak,message", WEAK)
def test_password_page_refuses_weak_passwords(client, alexander, weak, message):
    client.force_login(alexander)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    alexander.refresh_from_db()
    assert alexander.check_password(PASSWORD)


def _reset_link(client, user) -> str:
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[-1].body)
    return client.get(link.group(1), follow=True).redirect_chain[-1][0]


@pytest.mark.parametrize("weak,message", WEAK)
def test_reset_link_refuses_weak_passwords(client, alexander, weak, message):
    url = _reset_link(client, alexander)
    response = client.post(url, {"new_password1": weak, "new_password2": weak})
    assert message in response.content.decode()
    alexander.refresh_from_db()
    assert alexander.check_password(PASSWORD)


@pytest.mark.parametrize("weak,message", WEAK)
def test_admin_refuses_a_weak_password_for_a_new_user(admin_client, weak, message):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "alexander.hamilton",
            "usable_password": "true",
            "password1": weak,
            "password2": weak,
            **NO_MEMBERSHIPS,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="alexander.hamilton").exists()


def test_admin_accepts_a_strong_password_for_a_new_user(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new.person",
            "usable_password": "true",
            "password1": STRONG,
            "password2": STRONG,
            **NO_MEMBERSHIPS,
        },
    )
    assert response.status_code == 302, response.content
    assert User.objects.get(username="new.person").check_password(STRONG)


@pytest.mark.parametrize("weak,message", WEAK)
def test_admin_refuses_a_weak_password_change(admin_client, alexander, weak, message):
    url = reverse("admin:auth_user_password_change", args=[alexander.pk])
    response = admin_client.post(
        url, {"password1": weak, "password2": weak, "usable_password": "true"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    alexander.refresh_from_db()
    assert alexander.check_password(PASSWORD)


@pytest.mark.parametrize("weak,message", WEAK[:3])
def test_seed_demo_refuses_a_weak_password(weak, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", "--password", weak)
    assert not User.objects.exists()


def test_seed_demo_refuses_a_password_like_an_account_name():
    with pytest.raises(CommandError, match="too similar"):
        call_command("seed_demo", "--password", "alameda.sheriff")
    assert not User.objects.exists()


@pytest.mark.parametrize("weak,message", WEAK[:3])
def test_createsuperuser_noinput_refuses_a_weak_password(monkeypatch, weak, message):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", weak)
    with pytest.raises(CommandError, match=message):
        call_command(
            "createsuperuser",
            "--noinput",
            "--username",
            "root2",
            "--email",
            "root2@example.org",
        )
    assert not User.objects.filter(username="root2").exists()


def test_createsuperuser_noinput_accepts_a_strong_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)
    call_command(
        "createsuperuser",
        "--noinput",
        "--username",
        "root2",
        "--email",
        "root2@example.org",
    )
    user = User.objects.get(username="root2")
    assert user.is_superuser and user.check_password(STRONG)


class _TTY:
    def isatty(self):
        return True


def test_createsuperuser_prompt_has_no_way_around_the_validators():
    # Django's prompt offers "Bypass password validation ... anyway? [y/N]": say y.
    with (
        mock.patch("getpass.getpass", return_value="qwerty123456"),
        mock.patch("builtins.input", side_effect=["root3", "root3@example.org", "y"]),
        pytest.raises(CommandError, match="too common"),
    ):
        call_command("createsuperuser", stdin=_TTY(), interactive=True)
    assert not User.objects.filter(username="root3").exists()


def test_changepassword_refuses_a_weak_password(alexander):
    with (
        mock.patch("getpass.getpass", return_value="qwerty123456"),
        pytest.raises(CommandError, match="Aborting password change"),
    ):
        call_command("changepassword", "alexander.hamilton")
    alexander.refresh_from_db()
    assert alexander.check_password(PASSWORD)

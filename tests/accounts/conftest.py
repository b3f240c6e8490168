import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct-horse-battery"


def post_sign_in(client, username, password=PASSWORD, *, ip="10.0.0.1", url=None):
    """POST the sign-in form as a browser at `ip` would."""
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="pytest-browser/1.0",
    )


def totp_token(device: TOTPDevice) -> str:
    """The code the person's app shows now for `device`."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def totp_device(staff_user):
    """A confirmed authenticator app for the CCPOR staff user."""
    return TOTPDevice.objects.create(user=staff_user, name="phone", confirmed=True)


def mailed_code() -> str:
    """The code of the latest set-up e-mail (the one that proves it is the person)."""
    return re.search(r"^(\d{6})$", mail.outbox[-1].body, re.MULTILINE).group(1)


def prove_by_email(client) -> None:
    """The first step of setting up an authenticator app: ask for the e-mailed code
    and give it."""
    url = reverse("accounts:otp_setup")
    assert client.post(url, {"send_code": "1"}).status_code == 302
    assert client.post(url, {"token": mailed_code()}).status_code == 302

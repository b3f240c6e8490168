import pytest
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

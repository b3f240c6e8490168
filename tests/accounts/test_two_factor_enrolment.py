"""Setting up an authenticator app needs more than the password: a code e-mailed to
the account's address, or an administrator doing it in the admin. Every device set
up or removed, by any path, is in the audit log and mailed to its owner."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from accounts.enrolment import masked_address
from audit.models import AuditEvent
from tests.factories import UserFactory

from .conftest import mailed_code, prove_by_email, totp_token

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:otp_setup")


def test_the_password_alone_shows_no_key_and_makes_no_device(client, staff_user):
    client.force_login(staff_user)
    page = client.get(SETUP).content.decode()
    assert "otpauth://" not in page and "E-mail me a code" in page
    assert masked_address(staff_user.email) in page
    assert staff_user.email not in page
    assert not TOTPDevice.objects.exists()
    # A code typed straight away (a guess, or an app's code) enrols nothing.
    client.post(SETUP, {"token": "123456"})
    assert not TOTPDevice.objects.exists()


def test_the_mailed_code_opens_the_set_up(client, staff_user):
    client.force_login(staff_user)
    sent = client.post(SETUP, {"send_code": "1"})
    assert sent.status_code == 302
    message = mail.outbox[-1]
    assert message.to == [staff_user.email]
    assert "set up an authenticator app" in message.body
    code = mailed_code()
    # The session keeps no code in clear.
    assert code not in str(dict(client.session))
    assert client.post(SETUP, {"token": code}).status_code == 302
    page = client.get(SETUP).content.decode()
    assert "otpauth://totp/" in page
    # A mailed code is good once.
    client.logout()
    client.force_login(staff_user)
    client.post(SETUP, {"token": code})
    assert "otpauth://" not in client.get(SETUP).content.decode()


def test_a_wrong_code_is_refused(client, staff_user):
    client.force_login(staff_user)
    client.post(SETUP, {"send_code": "1"})
    wrong = "000000" if mailed_code() != "000000" else "111111"
    response = client.post(SETUP, {"token": wrong})
    assert "That code is not right" in response.content.decode()
    assert "otpauth://" not in client.get(SETUP).content.decode()


def test_the_code_expires(client, staff_user):
    with freeze_time("2026-03-04 20:00:00") as clock:
        client.force_login(staff_user)
        client.post(SETUP, {"send_code": "1"})
        clock.tick(datetime.timedelta(minutes=16))
        client.post(SETUP, {"token": mailed_code()})
        assert "otpauth://" not in client.get(SETUP).content.decode()


def test_five_wrong_tries_spend_the_code(client, staff_user):
    client.force_login(staff_user)
    client.post(SETUP, {"send_code": "1"})
    code = mailed_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        client.post(SETUP, {"token": wrong})
    client.post(SETUP, {"token": code})
    assert "otpauth://" not in client.get(SETUP).content.decode()


def test_sending_codes_is_rate_limited(client, staff_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "otp_enrolment_code": (2, 3600)}
    client.force_login(staff_user)
    codes = [client.post(SETUP, {"send_code": "1"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_without_an_address_the_administrator_sets_it_up(client):
    person = UserFactory(email="", ccpor_staff=True)
    client.force_login(person)
    page = client.post(SETUP, {"send_code": "1"}).content.decode()
    assert "ask the CCPOR Team to set up your authenticator app" in page
    assert mail.outbox == []


def test_setting_up_is_audited_and_mailed_to_the_person(
    client, staff_user, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    prove_by_email(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff_user)
    device.throttle_reset()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SETUP, {"token": totp_token(device)})
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.OTP_ENROLLED, outcome=AuditEvent.Outcome.SUCCESS
    )
    assert (event.user, event.target) == (staff_user, "user staff")
    message = mail.outbox[-1]
    assert message.to == [staff_user.email]
    assert "was set up on your CCPOR Onboard account" in message.body
    assert "by you" in message.body
    # The proof is spent: another device would need a new mailed code.
    assert "otp_enrolment_proven_at" not in client.session


def admin_add_device(admin_client, user):
    return admin_client.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": user.pk,
            "name": "Phone, set up with the CCPOR Team",
            "confirmed": "on",
            "key": "3132333435363738393031323334353637383930",
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "throttling_failure_count": 0,
        },
    )


def test_an_administrator_sets_up_a_device_audited_and_mailed(
    admin_client, admin_user, court_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_add_device(admin_client, court_lead)
    assert response.status_code == 302, response.content.decode()
    assert TOTPDevice.objects.filter(user=court_lead, confirmed=True).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.OTP_ENROLLED)
    assert (event.user, event.target) == (admin_user, "user lead-a")
    message = mail.outbox[-1]
    assert message.to == [court_lead.email]
    assert "set up on your CCPOR Onboard account" in message.body
    assert "(an administrator)" in message.body


def test_removing_a_device_is_audited_and_mailed(
    admin_client,
    admin_user,
    staff_user,
    totp_device,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:otp_totp_totpdevice_delete", args=[totp_device.pk]),
            {"post": "yes"},
        )
    assert not TOTPDevice.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.OTP_REMOVED)
    assert (event.user, event.target) == (admin_user, "user staff")
    assert mail.outbox[-1].to == [staff_user.email]
    assert "removed from your CCPOR Onboard account" in mail.outbox[-1].body


def test_moving_a_device_to_another_account_is_a_removal_and_a_set_up(
    staff_user, court_lead, totp_device, django_capture_on_commit_callbacks
):
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        totp_device.user = court_lead
        totp_device.save()
    events = AuditEvent.objects.order_by("id")[before:]
    assert {(e.action, e.target) for e in events} == {
        (AuditEvent.Action.OTP_REMOVED, "user staff"),
        (AuditEvent.Action.OTP_ENROLLED, "user lead-a"),
    }
    assert {m.to[0] for m in mail.outbox} == {staff_user.email, court_lead.email}


def test_an_unconfirmed_device_is_no_enrolment(staff_user):
    TOTPDevice.objects.create(user=staff_user, name="pending", confirmed=False)
    TOTPDevice.objects.filter(user=staff_user).delete()
    assert not AuditEvent.objects.filter(
        action__in=[AuditEvent.Action.OTP_REMOVED, AuditEvent.Action.OTP_ENROLLED]
    ).exists()

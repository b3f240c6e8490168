"""The notifications' migration to the one outbox's fields, on a database holding
notifications: a claim's id becomes its claim token, no claim an empty one, and each
row is dated by its last change."""

import datetime
import uuid

import pytest
from django.utils import timezone

from tests.migrating import migrate_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_claims_become_tokens_and_rows_are_dated_by_their_last_change():
    old = migrate_to([("notifications", "0001_initial")])
    claim = uuid.uuid4()
    created = timezone.now() - datetime.timedelta(days=2)
    sent = created + datetime.timedelta(minutes=5)
    try:
        Court = old.get_model("courts", "Court")
        Notification = old.get_model("notifications", "Notification")
        court = Court.objects.create(name="Old Court", slug="old-court", district=1)
        common = {
            "court": court,
            "address": "lead@example.org",
            "kind": "comment",
            "subject": "A comment",
            "url": "https://ccpor-onboard.test/",
        }
        waiting = Notification.objects.create(**common)
        done = Notification.objects.create(
            status="sent", claim=claim, claimed_at=sent, sent_at=sent, **common
        )
        Notification.objects.filter(pk__in=[waiting.pk, done.pk]).update(
            created_at=created
        )
    finally:
        new = migrate_to(None)

    Notification = new.get_model("notifications", "Notification")
    rows = {row.pk: row for row in Notification.objects.all()}
    assert (rows[waiting.pk].claim_token, rows[waiting.pk].updated_at) == ("", created)
    assert (rows[done.pk].claim_token, rows[done.pk].updated_at) == (str(claim), sent)


def test_stored_set_password_links_are_forgotten():
    old = migrate_to([("notifications", "0002_notification_outbox_row")])
    try:
        Court = old.get_model("courts", "Court")
        Notification = old.get_model("notifications", "Notification")
        court = Court.objects.create(name="Old Court", slug="old-court", district=1)
        court_url = "https://ccpor-onboard.test/courts/old-court/"
        invitation = Notification.objects.create(
            court=court,
            address="new@example.org",
            kind="invitation",
            subject="You are invited",
            url="https://ccpor-onboard.test/accounts/reset/MQ/abc-123def/",
            data={"new_account": True, "court_url": court_url},
        )
        comment = Notification.objects.create(
            court=court,
            address="lead@example.org",
            kind="comment",
            subject="A comment",
            url="https://ccpor-onboard.test/courts/old-court/items/4/",
        )
    finally:
        new = migrate_to(None)

    Notification = new.get_model("notifications", "Notification")
    assert Notification.objects.get(pk=invitation.pk).url == court_url
    assert Notification.objects.get(pk=comment.pk).url.endswith("/items/4/")

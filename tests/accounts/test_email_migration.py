"""The migration that makes an e-mail address name one active account: it stops,
listing them, while active accounts share an address (which of them is the
person's cannot be told from the data), and changes nothing; once they are sorted
out it adds the constraint."""

import pytest
from django.db import IntegrityError, transaction

from tests.migrating import migrate_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("accounts", "0006_typed_input_bounds")]


def test_shared_addresses_stop_the_migration_and_are_listed():
    old = migrate_to(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        User.objects.create(username="pat", email="pat@example.org")
        User.objects.create(username="pat2", email="PAT@example.org")
        User.objects.create(
            username="pat-old", email="pat@example.org", is_active=False
        )
        User.objects.create(username="solo", email="solo@example.org")
        User.objects.create(username="blank-1", email="")
        User.objects.create(username="blank-2", email="")
        with pytest.raises(RuntimeError) as refused:
            migrate_to(None)
        message = str(refused.value)
        assert "pat@example.org: pat, pat2" in message
        assert "pat-old" not in message and "solo" not in message
        assert "blank" not in message
        assert "Nothing was changed." in message
        # Nothing was changed: both accounts keep their address.
        assert User.objects.filter(email__iexact="pat@example.org").count() == 3

        # Sorted out by hand (the spare account deactivated), it goes through.
        User.objects.filter(username="pat2").update(is_active=False)
    finally:
        new = migrate_to(None)
    User = new.get_model("accounts", "User")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="pat3", email="Pat@Example.org")

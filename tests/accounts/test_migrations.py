"""The migration that stops keeping API tokens in clear: each existing token is
stored as its digest and keeps working; the clear column is gone; and it can be
undone (everyone then holds a fresh random token)."""

import hashlib

import pytest
from django.db import connection
from django.test import Client

from tests.migrating import migrate_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("accounts", "0004_user_superusers_index")]


def columns() -> set[str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(
            cursor, "accounts_user"
        )
    return {column.name for column in described}


def test_existing_tokens_are_hashed_and_keep_working():
    old = migrate_to(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        Group = old.get_model("auth", "Group")
        staff = User.objects.create(username="old-staff", email="s@example.org")
        staff.groups.add(Group.objects.get_or_create(name="CCPOR Team")[0])
        other = User.objects.create(username="old-member", email="m@example.org")
        tokens = {u.pk: u.api_token for u in (staff, other)}
    finally:
        new = migrate_to(None)

    assert "api_token" not in columns()
    User = new.get_model("accounts", "User")
    for pk, token in tokens.items():
        stored = User.objects.get(pk=pk).api_token_digest
        assert stored == hashlib.sha256(token.encode()).hexdigest()
    response = Client().get(
        "/api/onboardings/", HTTP_AUTHORIZATION=f"Token {tokens[staff.pk]}"
    )
    assert response.status_code == 200


def test_it_can_be_undone():
    new = migrate_to(None)
    User = new.get_model("accounts", "User")
    User.objects.create(username="a", email="a@example.org")
    User.objects.create(username="b", email="b@example.org")
    try:
        old = migrate_to(BEFORE)
        tokens = list(
            old.get_model("accounts", "User").objects.values_list(
                "api_token", flat=True
            )
        )
        assert len(tokens) == len(set(tokens)) >= 2 and all(tokens)
    finally:
        migrate_to(None)

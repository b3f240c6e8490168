"""API tokens are stored as their SHA-256 only: each existing token is hashed (it
keeps working), and the column that held tokens in clear is dropped."""

import hashlib
import secrets

from django.db import migrations, models


def hash_existing_tokens(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, User._meta.db_table
            )
        }
    if "api_token" not in columns:
        # Run again on a schema that no longer has it (the test suite reloads the
        # data migrations' reference data so): nothing left to hash.
        return
    for user in User.objects.exclude(api_token="").only("pk", "api_token").iterator():
        User.objects.filter(pk=user.pk).update(
            api_token_digest=hashlib.sha256(user.api_token.encode()).hexdigest()
        )


def new_tokens_in_clear(apps, schema_editor):
    """Backwards: tokens in clear cannot be brought back, so everyone gets a new
    random one (nobody knows it; each makes a new one on the calendar page)."""
    User = apps.get_model("accounts", "User")
    for pk in User.objects.values_list("pk", flat=True).iterator():
        User.objects.filter(pk=pk).update(api_token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_superusers_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="api_token_digest",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="What is kept of the person's token for the read-only JSON "
                "API (Authorization: Token ...); empty when they have none. The token "
                "is shown once, when made.",
                max_length=64,
                null=True,
                unique=True,
                verbose_name="API token (SHA-256)",
            ),
        ),
        migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop),
        # Without its default and uniqueness first, so that going backwards can add
        # the column empty and fill it before it is unique again.
        migrations.AlterField(
            model_name="user",
            name="api_token",
            field=models.CharField(max_length=64, null=True, blank=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, new_tokens_in_clear),
        migrations.RemoveField(model_name="user", name="api_token"),
    ]

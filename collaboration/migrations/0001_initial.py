"""Evidence, comments (with their earlier texts) and team documents, moved here
from checklists with their tables (`db_table`) and data: nothing happens in the
database but the content types' app label, so that permissions granted on these
models (to groups and people) follow them."""

import collaboration.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ("evidence", "comment", "commentrevision", "teamdocument")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="collaboration", model__in=MOVED).delete()
    ContentType.objects.filter(app_label="checklists", model__in=MOVED).update(
        app_label="collaboration"
    )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="checklists", model__in=MOVED).delete()
    ContentType.objects.filter(app_label="collaboration", model__in=MOVED).update(
        app_label="checklists"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("checklists", "0017_collaboration_moves_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Comment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("body", models.TextField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("edited_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "author",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "item",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="comments",
                                to="checklists.checklistitem",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "checklists_comment",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="CommentRevision",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "body",
                            models.TextField(help_text="The text before this edit."),
                        ),
                        ("edited_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "comment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="revisions",
                                to="collaboration.comment",
                            ),
                        ),
                        (
                            "edited_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "checklists_commentrevision",
                        "ordering": ["edited_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="Evidence",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                max_length=255,
                                upload_to=collaboration.models.evidence_upload_to,
                            ),
                        ),
                        (
                            "original_name",
                            models.CharField(
                                help_text="The uploaded file's name, sanitised.",
                                max_length=200,
                            ),
                        ),
                        (
                            "content_type",
                            models.CharField(
                                help_text="Detected from the file's content.",
                                max_length=120,
                            ),
                        ),
                        ("size", models.PositiveIntegerField(help_text="Bytes.")),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "item",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="evidence",
                                to="checklists.checklistitem",
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "evidence",
                        "db_table": "checklists_evidence",
                        "ordering": ["-uploaded_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="TeamDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "title",
                            models.CharField(
                                help_text="e.g. Court Planning Guide", max_length=200
                            ),
                        ),
                        (
                            "version",
                            models.CharField(help_text="e.g. 2.1", max_length=30),
                        ),
                        (
                            "document_date",
                            models.DateField(verbose_name="date of the document"),
                        ),
                        (
                            "file",
                            models.FileField(
                                max_length=255,
                                upload_to=collaboration.models.team_document_upload_to,
                            ),
                        ),
                        ("original_name", models.CharField(max_length=200)),
                        ("content_type", models.CharField(max_length=120)),
                        ("size", models.PositiveIntegerField(help_text="Bytes.")),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "template_item",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="documents",
                                to="checklists.templateitem",
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "checklists_teamdocument",
                        "ordering": ["template_item", "title", "-uploaded_at", "-id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("template_item", "title", "version"),
                                name="unique_team_document_version",
                                violation_error_message="This document already has that version.",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]

"""Evidence, comments (with their earlier texts) and team documents move to the
collaboration app. Only Django's idea of where they live changes: their tables stay
as they are, with their data (collaboration's 0001 takes them over by name)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0016_one_read_model"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="commentrevision",
                    name="comment",
                ),
                migrations.RemoveField(
                    model_name="commentrevision",
                    name="edited_by",
                ),
                migrations.RemoveField(
                    model_name="evidence",
                    name="item",
                ),
                migrations.RemoveField(
                    model_name="evidence",
                    name="uploaded_by",
                ),
                migrations.RemoveField(
                    model_name="teamdocument",
                    name="template_item",
                ),
                migrations.RemoveField(
                    model_name="teamdocument",
                    name="uploaded_by",
                ),
                migrations.DeleteModel(
                    name="Comment",
                ),
                migrations.DeleteModel(
                    name="CommentRevision",
                ),
                migrations.DeleteModel(
                    name="Evidence",
                ),
                migrations.DeleteModel(
                    name="TeamDocument",
                ),
            ],
        ),
    ]

# The database keeps meeting times within the calendar window (its own migration, so
# that the repair of 0018 is committed before the constraint is checked).

import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0020_typed_input_bounds"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="checklistitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("meeting_starts_at__isnull", True),
                        models.Q(
                            (
                                "meeting_starts_at__gte",
                                datetime.datetime(
                                    1999, 12, 31, 0, 0, tzinfo=datetime.UTC
                                ),
                            ),
                            (
                                "meeting_starts_at__lt",
                                datetime.datetime(
                                    2100, 1, 2, 0, 0, tzinfo=datetime.UTC
                                ),
                            ),
                        ),
                        _connector="OR",
                    ),
                    models.Q(
                        ("meeting_ends_at__isnull", True),
                        models.Q(
                            (
                                "meeting_ends_at__gte",
                                datetime.datetime(
                                    1999, 12, 31, 0, 0, tzinfo=datetime.UTC
                                ),
                            ),
                            (
                                "meeting_ends_at__lt",
                                datetime.datetime(
                                    2100, 1, 2, 0, 0, tzinfo=datetime.UTC
                                ),
                            ),
                        ),
                        _connector="OR",
                    ),
                ),
                name="item_meeting_in_window",
            ),
        ),
    ]

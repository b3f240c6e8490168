"""The portfolio row's stage (retired in 0016).

Its data step is retired with the stored copies it filled (the portfolio rows,
the tally, the lists of due dates): 0016 drops them and counts every summary again.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0012_portfolio_row"),
    ]

    operations = [
        migrations.AddField(
            model_name="portfoliorow",
            name="stage",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "Onboarding"),
                    (2, "Live"),
                    (3, "Live (closed out)"),
                    (4, "Cancelled"),
                    (5, "Not started"),
                ],
                db_default=5,
                default=5,
            ),
        ),
    ]

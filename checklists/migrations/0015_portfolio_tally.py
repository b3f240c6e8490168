"""The portfolio tally (retired in 0016).

Its data step is retired with the stored copies it filled (the portfolio rows,
the tally, the lists of due dates): 0016 drops them and counts every summary again.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0014_portfolio_row_column_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="PortfolioTally",
            fields=[
                (
                    "key",
                    models.CharField(max_length=60, primary_key=True, serialize=False),
                ),
                ("fact", models.CharField(max_length=40)),
                ("day", models.DateField()),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("fact", "day"), name="portfolio_tally_fact_day"
                    )
                ],
            },
        ),
    ]

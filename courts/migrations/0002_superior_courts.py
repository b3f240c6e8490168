"""The 58 California superior courts by Court of Appeal district, and the CCPOR Team group.

Written out here (not read from any file at run time) so a fresh database always has them.
"""

from django.db import migrations
from django.utils.text import slugify

DISTRICTS = {
    1: [
        "Alameda",
        "Contra Costa",
        "Del Norte",
        "Humboldt",
        "Lake",
        "Marin",
        "Mendocino",
        "Napa",
        "San Francisco",
        "San Mateo",
        "Solano",
        "Sonoma",
    ],
    2: ["Los Angeles", "San Luis Obispo", "Santa Barbara", "Ventura"],
    3: [
        "Alpine",
        "Amador",
        "Butte",
        "Calaveras",
        "Colusa",
        "El Dorado",
        "Glenn",
        "Lassen",
        "Modoc",
        "Mono",
        "Nevada",
        "Placer",
        "Plumas",
        "Sacramento",
        "San Joaquin",
        "Shasta",
        "Sierra",
        "Siskiyou",
        "Sutter",
        "Tehama",
        "Trinity",
        "Yolo",
        "Yuba",
    ],
    4: ["Imperial", "Inyo", "Orange", "Riverside", "San Bernardino", "San Diego"],
    5: [
        "Fresno",
        "Kern",
        "Kings",
        "Madera",
        "Mariposa",
        "Merced",
        "Stanislaus",
        "Tulare",
        "Tuolumne",
    ],
    6: ["Monterey", "San Benito", "Santa Clara", "Santa Cruz"],
}
CCPOR_TEAM_GROUP = "CCPOR Team"


def load(apps, schema_editor):
    Court = apps.get_model("courts", "Court")
    Group = apps.get_model("auth", "Group")
    for district, counties in DISTRICTS.items():
        for county in counties:
            Court.objects.update_or_create(
                slug=slugify(county),
                defaults={
                    "name": f"Superior Court of California, County of {county}",
                    "county": county,
                    "court_type": "superior",
                    "district": district,
                },
            )
    Group.objects.get_or_create(name=CCPOR_TEAM_GROUP)


def unload(apps, schema_editor):
    Court = apps.get_model("courts", "Court")
    slugs = [slugify(c) for counties in DISTRICTS.values() for c in counties]
    Court.objects.filter(slug__in=slugs, onboardings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("checklists", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, unload)]

"""`--reuse-db` run after run: the set-up loads the reference data again when an
earlier run's transactional tests flushed it (tests/conftest.py). That reload runs the
data migrations with their historical models on today's schema, so it breaks as soon
as a later migration adds a NOT NULL column without a database default to a table
they fill. This test does the reload on every run, not only after a flush."""

import pytest

from checklists.models import ChecklistTemplate, Phase, TemplateItem
from courts.models import Court
from tests.conftest import _reload_data_migrations

pytestmark = pytest.mark.django_db


def _reference_counts() -> dict[str, int]:
    return {
        "courts": Court.objects.count(),
        "phases": Phase.objects.count(),
        "templates": ChecklistTemplate.objects.count(),
        "template items": TemplateItem.objects.count(),
        "items with an information page": TemplateItem.objects.exclude(
            info_url=""
        ).count(),
        "trainings": TemplateItem.objects.filter(is_training=True).count(),
    }


def test_the_reference_data_loads_again_on_todays_schema():
    loaded = _reference_counts()
    assert loaded["courts"] == 58 and loaded["template items"] == 36
    assert loaded["items with an information page"] and loaded["trainings"]

    TemplateItem.objects.all().delete()
    ChecklistTemplate.objects.all().delete()
    Phase.objects.all().delete()
    Court.objects.all().delete()
    assert set(_reference_counts().values()) == {0}

    _reload_data_migrations()

    assert _reference_counts() == loaded

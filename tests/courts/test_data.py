"""What the data migrations load: the 58 superior courts, the phases, the template."""

import pytest
from django.db import IntegrityError, transaction

from checklists.models import Phase, TemplateItem
from courts.models import Court
from tests.factories import CourtFactory

pytestmark = pytest.mark.django_db


def test_all_58_superior_courts_are_loaded_with_their_districts():
    courts = Court.objects.filter(court_type="superior")
    assert courts.count() == 58
    per_district = {d: courts.filter(district=d).count() for d in range(1, 7)}
    assert per_district == {1: 12, 2: 4, 3: 23, 4: 6, 5: 9, 6: 4}
    assert courts.get(slug="alameda").district == 1
    assert courts.get(slug="fresno").district == 5
    assert courts.get(slug="santa-cruz").county == "Santa Cruz"


def test_a_tribal_court_has_no_district_and_a_superior_court_needs_one():
    CourtFactory(name="Yurok Tribal Court", court_type="tribal", district=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourtFactory(court_type="superior", district=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourtFactory(court_type="superior", district=7)


def test_four_phases_in_order():
    assert list(Phase.objects.values_list("name", flat=True)) == [
        "Planning",
        "Scope",
        "Implement",
        "Go-Live",
    ]


def test_default_template_has_the_36_items_of_the_planning_guide(default_template):
    items = default_template.items.all()
    assert items.count() == 36
    by_order = {i.order: i for i in items.select_related("phase")}
    assert by_order[12].condition == "carpos" and by_order[20].condition == "so"
    assert by_order[18].actor == "doj" and by_order[18].kind == "response"
    assert by_order[14].offset_days == -60 and by_order[26].offset_days == -30
    assert by_order[32].offset_days == 0 and by_order[32].phase.name == "Go-Live"
    deps = {
        o: sorted(by_order[o].depends_on.values_list("order", flat=True))
        for o in (26, 32)
    }
    assert deps == {26: [14, 21, 24], 32: [27, 30]}
    assert (
        TemplateItem.objects.filter(template=default_template, actor="so").count() == 3
    )

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from courts.access import is_ccpor_staff

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for app in ("accounts", "courts", "checklists", "auth")
        for m in apps.get_app_config(app).get_models()
    }


def test_seed_demo_twice_leaves_the_same_row_counts():
    call_command("seed_demo", "--password", "pw-for-tests-123")
    first = row_counts()
    call_command("seed_demo", "--password", "pw-for-tests-123")
    assert row_counts() == first
    assert first["checklists.Onboarding"] == 12


def test_seed_demo_creates_the_documented_accounts_and_stages():
    call_command("seed_demo", "--password", "pw-for-tests-123")
    User = get_user_model()
    users = {u.username: u for u in User.objects.all()}
    assert {
        "admin",
        "ccpor.staff",
        "alameda.lead",
        "alameda.sheriff",
        "fresno.lead",
        "fresno.sheriff",
    } <= set(users)
    assert users["admin"].is_superuser
    assert is_ccpor_staff(users["ccpor.staff"]) and users["ccpor.staff"].is_staff
    assert not is_ccpor_staff(users["alameda.lead"])
    assert users["alameda.sheriff"].memberships.get().organisation == "so"
    assert users["fresno.lead"].check_password("pw-for-tests-123")

    from checklists.models import Onboarding

    statuses = set(Onboarding.objects.values_list("status", flat=True))
    assert {"active", "live", "closed", "cancelled"} <= statuses
    assert Onboarding.objects.filter(items__status="blocked").exists()
    fresno = Onboarding.objects.get(court__slug="fresno")
    assert fresno.items.filter(status__in=["not_started", "in_progress"]).exists()

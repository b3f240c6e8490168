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


@pytest.fixture(autouse=True)
def _media(evidence_storage):
    """The demo's team documents are stored in a throwaway MEDIA_ROOT."""


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


def test_seed_demo_shows_owners_contacts_a_meeting_and_team_documents():
    from checklists.models import ChecklistItem, TeamDocument
    from courts.models import Court
    from courts.selectors import court_contacts

    call_command("seed_demo", "--password", "pw-for-tests-123")
    User = get_user_model()
    lead = User.objects.get(username="alameda.lead")
    alameda = Court.objects.get(slug="alameda")
    open_court_items = ChecklistItem.objects.filter(
        onboarding__court=alameda, actor="court", status__in=["not_started", "blocked"]
    )
    assert open_court_items.exists()
    assert set(open_court_items.values_list("owner", flat=True)) == {lead.pk}
    contacts = {c.email: c for c in court_contacts(alameda)}
    assert contacts["alameda.lead@example.org"].phone
    assert "ccpor.staff@example.org" in contacts
    meetings = ChecklistItem.objects.exclude(meeting_starts_at=None)
    assert meetings.filter(onboarding__court=alameda, kind="meeting").exists()
    guide = TeamDocument.objects.filter(title="Court Planning Guide")
    assert sorted(guide.values_list("version", flat=True)) == ["1.0", "1.1"]
    assert guide.first().file.read().startswith(b"%PDF-")

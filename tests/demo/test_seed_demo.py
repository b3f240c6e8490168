"""`seed_demo`: idempotent, the documented accounts, and every stage of the lifecycle
reached through the services."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from ccpor_onboard.lib.dates import today_in_california
from checklists.models import Onboarding
from courts.access import is_ccpor_staff
from golive.models import Incident, SignOff, Transition
from golive.selectors import live_readiness_for
from tests.once import kept_until_the_module_ends

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for app in ("accounts", "courts", "checklists", "golive", "auth", "roster")
        for m in apps.get_app_config(app).get_models()
    }


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeded once for the module (tests/once.py): seed_demo takes seconds."""
    media = tmp_path_factory.mktemp("seed-demo-media")
    with kept_until_the_module_ends(django_db_blocker):
        with override_settings(MEDIA_ROOT=media):
            call_command("seed_demo", "--password", "pw-for-tests-123")
        yield media


@pytest.fixture
def seeded(seeded_once, db, settings):
    # The team documents' files are where seed_demo wrote them.
    settings.MEDIA_ROOT = seeded_once


def test_seed_demo_twice_leaves_the_same_row_counts(seeded):
    first = row_counts()
    call_command("seed_demo", "--password", "pw-for-tests-123")
    assert row_counts() == first
    assert first["checklists.Onboarding"] == 17


def test_seed_demo_creates_the_documented_accounts_and_stages(seeded):
    User = get_user_model()
    users = {u.username: u for u in User.objects.all()}
    assert {
        "admin",
        "ccpor.staff",
        "alameda.lead",
        "alameda.sheriff",
        "fresno.lead",
        "fresno.sheriff",
        "fresno.eo",
        "kern.lead",
        "kern.eo",
        "kern.sheriff",
        "marin.eo",
        "marin.sheriff",
    } <= set(users)
    assert users["admin"].is_superuser
    assert is_ccpor_staff(users["ccpor.staff"]) and users["ccpor.staff"].is_staff
    assert not is_ccpor_staff(users["alameda.lead"])
    assert users["alameda.sheriff"].memberships.get().organisation == "so"
    assert users["fresno.lead"].check_password("pw-for-tests-123")

    statuses = set(Onboarding.objects.values_list("status", flat=True))
    assert {"active", "live", "closed", "cancelled"} <= statuses
    assert Onboarding.objects.filter(items__status="blocked").exists()
    fresno = Onboarding.objects.get(court__slug="fresno")
    assert fresno.items.filter(status__in=["not_started", "in_progress"]).exists()


def test_demo_readiness_inside_thirty_days_has_blockers(seeded):
    soon = Onboarding.objects.filter(
        status="active",
        go_live_date__lte=today_in_california() + datetime.timedelta(days=30),
    ).select_related("court")
    assert {o.court.slug for o in soon} >= {"fresno", "riverside"}
    for readiness in live_readiness_for(soon).values():
        assert readiness.blockers


def test_demo_courts_are_as_the_readme_describes_them(seeded):
    """The README's demo paragraph: Riverside 12 days from Go-Live with overdue
    items, Fresno overdue and blocked, Napa with a blocked item."""
    today = today_in_california()

    def overdue(slug):
        return Onboarding.objects.get(court__slug=slug).items.overdue(today).count()

    riverside = Onboarding.objects.get(court__slug="riverside")
    assert (riverside.go_live_date - today).days == 12
    assert overdue("riverside") == 2  # items 27 and 28, due 21 days before Go-Live
    assert overdue("fresno") >= 1
    assert (
        Onboarding.objects.get(court__slug="napa")
        .items.filter(status="blocked")
        .exists()
    )


def test_every_demo_account_in_the_readme_signs_in_with_the_demo_password(
    seeded, client, settings
):
    """The README's table of demo accounts, each signed in with the documented
    password (seed_demo run again with it, as a second `make run` does, resets it)."""
    from pathlib import Path

    from demo.management.commands.seed_demo import ACCOUNTS, DEFAULT_PASSWORD

    call_command("seed_demo")
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    table = readme[readme.index("### Demo accounts") :]
    table = table[: table.index("Demo onboardings")]
    for username, *_ in ACCOUNTS:
        assert f"`{username}`" in table
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302, username
        assert client.session.get("_auth_user_id"), username
        client.logout()


def test_demo_live_court_has_an_open_incident_and_closed_one_its_sign_offs(seeded):
    kern = Onboarding.objects.get(court__slug="kern")
    assert kern.status == "live"
    assert Incident.objects.filter(onboarding=kern, status="open").exists()
    assert Transition.objects.filter(onboarding=kern, kind="mark_live").exists()
    marin = Onboarding.objects.get(court__slug="marin")
    assert marin.status == "closed"
    assert set(
        SignOff.objects.standing().filter(onboarding=marin).values_list("kind", "role")
    ) == {
        (kind, role)
        for kind in ("acceptance", "close_out")
        for role in ("executive_officer", "so_liaison", "ccpor")
    }
    assert [t.kind for t in Transition.objects.filter(onboarding=marin)] == [
        "mark_live",
        "close",
    ]
    orange = Onboarding.objects.get(court__slug="orange")
    assert Transition.objects.get(onboarding=orange).reason


def test_seed_demo_shows_owners_contacts_meetings_and_team_documents(seeded):
    from checklists.models import ChecklistItem
    from collaboration.models import TeamDocument
    from courts.models import Court
    from courts.selectors import court_contacts

    lead = get_user_model().objects.get(username="alameda.lead")
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


def test_a_newcomer_sees_a_slipping_court_an_over_committed_week_and_a_lead_time(
    seeded,
):
    from checklists.services import default_template
    from planning.capacity import capacity_table
    from planning.lead_times import lead_times
    from planning.models import Forecast

    today = today_in_california()
    assert any(f.slipping for f in Forecast.objects.all())
    assert any(c.over for c in capacity_table(today=today, weeks=12))
    learned = {lt.order: lt for lt in lead_times(default_template())}
    assert learned[18].courts >= 5 and learned[18].proposed_offset is not None
    # Per-item dates, not one for all.
    finished = Onboarding.objects.get(court__slug="ventura")
    days = {i.completed_at.date() for i in finished.items.all()}
    assert len(days) > 20


def test_a_newcomer_sees_rosters_not_ready_expiring_expired_and_in_sustainment(
    seeded,
):
    from checklists.services import item_set_status
    from courts.models import Court
    from roster.models import AccessReview
    from roster.selectors import quarter_of, roster_counts, roster_readiness

    today = today_in_california()
    courts = {c.slug: c for c in Court.objects.filter(roster__isnull=False)}
    assert set(courts) == {"alameda", "fresno", "kern", "marin"}
    fresno = Onboarding.objects.get(court__slug="fresno")
    roster = roster_readiness(fresno.court_id, on=fresno.go_live_date)
    why = {row.person.name: row.verdict.missing for row in roster.not_ready}
    assert set(why) == {"Grace Liu", "Omar Haddad"}
    assert "CLETS certification at Full Access" in why["Grace Liu"]
    # The SQL twin agrees, and the access item is refused naming both.
    count = roster_counts({fresno.court_id: fresno.go_live_date}, today=today)
    assert (count[fresno.court_id].ready, count[fresno.court_id].total) == (4, 6)
    item = fresno.items.get(grants_ccpor_access=True)
    assert item.status != "done"
    staff = get_user_model().objects.get(username="ccpor.staff")
    with pytest.raises(ValidationError, match="Grace Liu.*Omar Haddad"):
        item_set_status(
            item=item, status="done", by=staff, expected_version=item.version
        )
    soon = today + datetime.timedelta(days=60)
    assert courts["fresno"].roster.filter(clets_expires_on__range=(today, soon))
    assert courts["kern"].roster.filter(clets_expires_on__lt=today)

    marin = courts["marin"]
    assert Onboarding.objects.get(court=marin).status == "closed"
    reviews = AccessReview.objects.filter(court=marin).order_by("quarter")
    assert [(r.quarter < quarter_of(today), bool(r.completed_at)) for r in reviews] == [
        (True, True),
        (False, False),  # this quarter's: due
    ]
    assert reviews[0].confirmations.get(
        person__name="Beth Larsen"
    ).confirmed_at.date() < quarter_of(today)
    leaver = marin.roster.get(left_on__isnull=False)
    assert leaver.deprovisioning.account_disabled_at
    assert not leaver.deprovisioning.clets_removed_at

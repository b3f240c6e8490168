"""seed_scale: synthetic courts with full onboardings; idempotent; not in production."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count

from checklists.models import ChecklistItem, Onboarding, TemplateItem
from checklists.selectors import onboardings_with_status
from courts.models import Court, Membership
from reminders.selectors import REMINDER_ROLES, Action, reminders_due
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

SUPERIOR_COURTS = 58  # loaded by the courts data migration


def seed(courts: int, *args: str) -> str:
    out = io.StringIO()
    call_command(
        "seed_scale", "--courts", str(courts), "--today", str(TODAY), *args, stdout=out
    )
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for app in ("accounts", "courts", "checklists", "reminders")
        for m in apps.get_app_config(app).get_models()
    }


def test_twice_gives_the_same_counts_and_more_courts_adds_only_the_difference():
    seed(70)
    first = row_counts()
    assert first["courts.Court"] == 70
    assert first["checklists.Onboarding"] == 70
    assert first["checklists.ChecklistItem"] > 70 * 30

    seed(70)
    assert row_counts() == first
    seed(10)  # fewer than there are: nothing to add, nothing removed
    assert row_counts() == first

    last = Onboarding.objects.latest("pk").pk
    seed(75)
    grown = row_counts()
    assert grown["courts.Court"] == 75
    assert grown["checklists.Onboarding"] == 75
    # Only the 5 new courts got onboardings and items; the first 70 were left alone.
    new = Onboarding.objects.filter(pk__gt=last)
    assert sorted(new.values_list("court__slug", flat=True)) == [
        f"scale-court-{n:05d}" for n in range(71, 76)
    ]
    assert (
        ChecklistItem.objects.filter(onboarding__in=new).count()
        == grown["checklists.ChecklistItem"] - first["checklists.ChecklistItem"]
    )
    # Every new onboarding has its stored summary, as the services would write it.
    for onboarding in new:
        assert onboarding.summary.total == onboarding.items.count()


def test_courts_get_the_template_checklist_as_onboarding_start_copies_it(
    default_template,
):
    seed(60)
    template_items = {
        t.pk: t for t in TemplateItem.objects.filter(template=default_template)
    }
    assert len(template_items) == 36
    onboardings = Onboarding.objects.select_related("court").annotate(n=Count("items"))
    assert {o.court_id for o in onboardings} == set(
        Court.objects.values_list("pk", flat=True)
    )
    for onboarding in onboardings:
        applies = [
            t
            for t in template_items.values()
            if t.condition == "always"
            or (t.condition == "carpos" and onboarding.court_enters_carpos)
            or (t.condition == "so" and onboarding.so_participates)
        ]
        assert onboarding.n == len(applies), onboarding.court
    assert {o.n for o in onboardings} >= {36, 33, 35}  # processing models vary

    # Every copy carries its template item's fields, due at Go-Live + offset.
    for item in ChecklistItem.objects.select_related("onboarding", "template_item"):
        t = item.template_item
        assert (item.order, item.title, item.actor, item.kind, item.phase_id) == (
            t.order,
            t.title,
            t.actor,
            t.kind,
            t.phase_id,
        )
        assert item.due_date == item.onboarding.go_live_date + datetime.timedelta(
            days=t.offset_days
        )
    # Dependencies are linked as in the template (26 needs 14, 21 and 24).
    alameda = Onboarding.objects.get(court__slug="alameda")
    testing = alameda.items.get(order=26)
    assert set(testing.depends_on.values_list("order", flat=True)) == {14, 21, 24}
    # History rows are written, as the services write them.
    assert ChecklistItem.history.count() == ChecklistItem.objects.count()


def test_stages_are_spread_so_every_page_and_the_sweep_have_work():
    seed(80)
    statuses = dict(
        Onboarding.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    assert set(statuses) == {"active", "live", "closed", "cancelled"}
    assert statuses["active"] > 80 * 0.6

    active = Onboarding.objects.filter(status="active")
    assert active.filter(
        go_live_date__lt=TODAY
    ).exists()  # Go-Live passed, still active
    open_items = ChecklistItem.objects.filter(
        onboarding__status="active", status__in=ChecklistItem.OPEN_STATUSES
    )
    assert open_items.filter(due_date__lt=TODAY).exists()  # overdue
    item_statuses = set(ChecklistItem.objects.values_list("status", flat=True))
    assert item_statuses == {"not_started", "in_progress", "blocked", "done", "na"}
    assert not ChecklistItem.objects.filter(
        status="blocked", blocked_reason=""
    ).exists()
    assert not ChecklistItem.objects.filter(status="na", na_justification="").exists()
    assert not ChecklistItem.objects.filter(
        status="done", completed_at__isnull=True
    ).exists()
    # Closed onboardings are finished; live ones finished everything up to Go-Live.
    assert not ChecklistItem.objects.filter(
        onboarding__status="closed", status__in=ChecklistItem.OPEN_STATUSES
    ).exists()
    assert not ChecklistItem.objects.filter(
        onboarding__status="live",
        offset_days__lte=0,
        status__in=ChecklistItem.OPEN_STATUSES,
    ).exists()

    health = {
        o.state.health
        for o in onboardings_with_status(
            list(active), today=TODAY, include_internal=True
        )
    }
    assert health == {"on_track", "at_risk", "late"}

    due = reminders_due(today=TODAY)
    sends = {(d.mark, d.action) for d in due}
    assert ("60-day", Action.SEND) in sends
    assert ("30-day", Action.SEND) in sends
    assert ("60-day", Action.SKIP) in sends  # both marks come: only the 30-day one


def test_members_have_e_mail_addresses_and_a_few_courts_have_no_recipient():
    seed(70)
    members = Membership.objects.select_related("user")
    assert members.exists()
    assert all(m.user.email.endswith("@scale.example.org") for m in members)
    assert not any(m.user.has_usable_password() for m in members)
    with_recipients = Court.objects.filter(
        memberships__role__in=REMINDER_ROLES
    ).distinct()
    assert with_recipients.count() == 70 - 3  # one court in 23 has only a viewer
    lead = Membership.objects.get(court__slug="alameda", role="project_lead")
    liaison = Membership.objects.get(court__slug="alameda", role="liaison")
    assert (lead.organisation, liaison.organisation) == ("court", "so")
    assert not Court.objects.annotate(n=Count("memberships")).filter(n=0).exists()


def test_refuses_unless_the_settings_allow_demo_data(settings):
    settings.ALLOW_DEMO_DATA = False
    before = row_counts()
    with pytest.raises(CommandError, match="ALLOW_DEMO_DATA is off"):
        seed(60)
    assert row_counts() == before
    # No way around it on the command line.
    with pytest.raises(CommandError):
        seed(60, "--force")
    assert row_counts() == before

    settings.ALLOW_DEMO_DATA = True
    seed(60)
    assert Court.objects.count() == 60
    assert Onboarding.objects.count() == 60

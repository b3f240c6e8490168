"""Every model in the admin: its changelist and add page load; onboardings go through
the services when added or rescheduled there."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Session
from audit.models import AuditEvent
from ccpor_onboard.lib.dates import today_in_california as today
from checklists import services
from checklists.models import (
    ChecklistItem,
    GoLiveChange,
    Onboarding,
    OnboardingSummary,
    Replan,
)
from collaboration.models import Comment, CommentRevision
from golive.models import (
    GoNoGoDecision,
    Incident,
    IncidentEvent,
    IncidentMail,
    SignOff,
    SignOffRequest,
    Transition,
)

pytestmark = pytest.mark.django_db

# Logs written only by services, sessions, and a running onboarding's items (added
# only by a recorded re-plan): their add page is refused on purpose.
NO_ADD = {
    ChecklistItem,
    Replan,
    GoLiveChange,
    OnboardingSummary,
    AuditEvent,
    Session,
    Comment,
    CommentRevision,
    Transition,
    GoNoGoDecision,
    SignOff,
    SignOffRequest,
    Incident,
    IncidentEvent,
    IncidentMail,
}
PROJECT_APPS = {"accounts", "audit", "courts", "checklists", "golive"}
MODELS = [m for m in admin.site._registry if m._meta.app_label in PROJECT_APPS]


def _url(model, page):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")


def test_every_project_model_is_registered():
    from django.apps import apps

    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            assert model in admin.site._registry, model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_loads(model, admin_client, start, court):
    start(court)  # so that lists have rows to show
    response = admin_client.get(_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_add_page_loads(model, admin_client):
    response = admin_client.get(_url(model, "add"))
    assert response.status_code == (403 if model in NO_ADD else 200)


def test_change_pages_load_for_an_onboarding_and_its_item(admin_client, start, court):
    onboarding = start(court)
    item = onboarding.items.first()
    for obj in (onboarding, item, court, onboarding.template):
        url = reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
        )
        assert admin_client.get(url).status_code == 200


def test_adding_an_onboarding_in_the_admin_starts_it_through_the_service(
    admin_client, court, default_template
):
    go_live = today() + datetime.timedelta(days=120)
    response = admin_client.post(
        _url(Onboarding, "add"),
        {
            "court": court.pk,
            "template": default_template.pk,
            "go_live_date": go_live.isoformat(),
            "court_enters_carpos": "on",
        },
    )
    assert response.status_code == 302, response.content
    onboarding = Onboarding.objects.get(court=court)
    # SO does not participate: item 20 left out.
    assert onboarding.items.count() == 35
    assert onboarding.items.get(order=32).due_date == go_live


def test_admin_refuses_a_past_go_live_date_with_the_services_message(
    admin_client, court
):
    response = admin_client.post(
        _url(Onboarding, "add"),
        {"court": court.pk, "go_live_date": "2020-01-01"},
    )
    assert response.status_code == 200
    assert "is in the past" in response.content.decode()
    assert not Onboarding.objects.exists()


def test_moving_go_live_in_the_admin_needs_a_reason_and_is_logged(
    admin_client, court, staff_user
):
    onboarding = services.onboarding_start(
        court=court,
        go_live_date=today() + datetime.timedelta(days=100),
        court_enters_carpos=True,
        so_participates=True,
        started_by=staff_user,
    )
    url = reverse("admin:checklists_onboarding_change", args=[onboarding.pk])
    new_date = today() + datetime.timedelta(days=130)
    data = {
        "go_live_date": new_date.isoformat(),
        "reason": "",
        "expected_version": onboarding.version,
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
        "sign_offs-TOTAL_FORMS": "0",
        "sign_offs-INITIAL_FORMS": "0",
        "go_live_changes-TOTAL_FORMS": "0",
        "go_live_changes-INITIAL_FORMS": "0",
        "replans-TOTAL_FORMS": "0",
        "replans-INITIAL_FORMS": "0",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Say why the Go-Live date is moving" in response.content.decode()
    assert not GoLiveChange.objects.exists()

    data["reason"] = "Court requested a later date"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content
    change = GoLiveChange.objects.get()
    assert change.new_date == new_date
    assert change.reason == "Court requested a later date"
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == new_date
    assert onboarding.items.get(order=32).due_date == new_date


# --- Optimistic locking, as on the pages (issue 10) -------------------------------


def _onboarding_form(onboarding, **changes):
    data = {
        "go_live_date": onboarding.go_live_date.isoformat(),
        "reason": "",
        "expected_version": onboarding.version,
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
        "sign_offs-TOTAL_FORMS": "0",
        "sign_offs-INITIAL_FORMS": "0",
        "go_live_changes-TOTAL_FORMS": "0",
        "go_live_changes-INITIAL_FORMS": "0",
        "replans-TOTAL_FORMS": "0",
        "replans-INITIAL_FORMS": "0",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_a_stale_admin_onboarding_form_is_refused_never_overwrites(
    admin_client, court, staff_user
):
    onboarding = services.onboarding_start(
        court=court,
        go_live_date=today() + datetime.timedelta(days=100),
        court_enters_carpos=True,
        so_participates=True,
        started_by=staff_user,
    )
    url = reverse("admin:checklists_onboarding_change", args=[onboarding.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="expected_version"' in page and 'type="hidden"' in page
    opened = _onboarding_form(onboarding)  # the first admin opens the form
    # A colleague moves Go-Live meanwhile.
    moved = today() + datetime.timedelta(days=130)
    services.onboarding_reschedule(
        onboarding=onboarding, go_live_date=moved, reason="Circuit late", by=staff_user
    )
    opened.update(
        go_live_date=(today() + datetime.timedelta(days=150)).isoformat(),
        reason="Court asked",
    )
    response = admin_client.post(url, opened)
    assert response.status_code == 200
    assert "was changed by someone else while you were editing" in (
        response.content.decode()
    )
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == moved
    assert GoLiveChange.objects.count() == 1
    # Reloaded, the form carries the new version and the change goes through.
    response = admin_client.post(
        url,
        _onboarding_form(
            onboarding,
            go_live_date=(today() + datetime.timedelta(days=150)).isoformat(),
            reason="Court asked",
        ),
    )
    assert response.status_code == 302
    assert GoLiveChange.objects.count() == 2


def test_a_stale_admin_item_form_is_refused_never_overwrites(
    admin_client, court, staff_user
):
    onboarding = services.onboarding_start(
        court=court,
        go_live_date=today() + datetime.timedelta(days=100),
        court_enters_carpos=True,
        so_participates=True,
        started_by=staff_user,
    )
    item = onboarding.items.get(order=11)
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None
    }
    data["depends_on"] = [d.pk for d in item.depends_on.all()]
    assert data["expected_version"] == item.version
    # Someone changes the item (its status, on the court page) meanwhile.
    services.item_set_status(
        item=item, status="in_progress", by=staff_user, expected_version=item.version
    )
    data["title"] = "Renamed by a stale form"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "was changed by someone else" in response.content.decode()
    item.refresh_from_db()
    assert item.title != "Renamed by a stale form"
    # With the current version, the edit is saved and the version moves on.
    data["expected_version"] = item.version
    response = admin_client.post(url, data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version) == ("Renamed by a stale form", 3)


def test_the_item_service_refuses_a_stale_version_under_its_lock(court, staff_user):
    onboarding = services.onboarding_start(
        court=court,
        go_live_date=today() + datetime.timedelta(days=100),
        court_enters_carpos=True,
        so_participates=True,
        started_by=staff_user,
    )
    item = onboarding.items.get(order=11)
    item.title = "Stale"
    with pytest.raises(services.StaleEditError):
        services.item_update_details(
            item=item, by=staff_user, fields=["title"], expected_version=0
        )
    with pytest.raises(services.StaleEditError):
        services.onboarding_reschedule(
            onboarding=onboarding,
            go_live_date=today() + datetime.timedelta(days=120),
            reason="Moved.",
            by=staff_user,
            expected_version=9,
        )
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == today() + datetime.timedelta(days=100)

"""The onboarding's admin: status read-only, transitions through the services (as
buttons and as list actions), a forged POST and the history's revert change nothing;
a closed onboarding's items are read-only there too."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from checklists.models import ChecklistItem, Onboarding
from collaboration.models import Evidence
from golive import services
from golive.models import Transition
from tests.conftest import TODAY
from tests.factories import UserFactory, days, evidence_bytes

pytestmark = pytest.mark.django_db


def change_url(onboarding) -> str:
    return reverse("admin:checklists_onboarding_change", args=[onboarding.pk])


def transition_url(onboarding, action: str) -> str:
    return reverse(
        "admin:checklists_onboarding_transition", args=[onboarding.pk, action]
    )


def change_form(onboarding, **fields) -> dict:
    """A complete change form as the admin page posts it."""
    data = {
        "go_live_date": onboarding.go_live_date.isoformat(),
        "reason": "",
        "expected_version": onboarding.version,
        **{
            f"{prefix}-{suffix}": "0"
            for prefix in (
                "transitions",
                "sign_offs",
                "go_live_changes",
                "replans",
                "items",
            )
            for suffix in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    data.update(fields)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def staff_admin(client, staff_user):
    """CCPOR staff in the admin (the demo gives the team the onboarding's
    permissions; a superuser has them all)."""
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


def test_the_status_is_read_only_and_the_transitions_are_offered(
    staff_admin, start, court
):
    onboarding = start(court, go_live_in=20)
    html = staff_admin.get(change_url(onboarding)).content.decode()
    assert 'name="status"' not in html
    assert transition_url(onboarding, "mark_live") in html
    assert transition_url(onboarding, "cancel") in html
    assert transition_url(onboarding, "close") not in html


def test_a_forged_post_that_sets_the_status_changes_nothing(staff_admin, start, court):
    onboarding = start(court, go_live_in=20)
    response = staff_admin.post(
        change_url(onboarding),
        change_form(onboarding, status="live", status_changed_at="2026-01-01"),
    )
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.status == "active" and onboarding.status_changed_at is None
    assert not Transition.objects.exists()


def test_the_history_cannot_write_an_old_status_back(staff_admin, live, staff_user):
    before_live = live.history.order_by("history_date").first()
    assert before_live.status == "active"
    url = reverse(
        "admin:checklists_onboarding_simple_history",
        args=[live.pk, before_live.history_id],
    )
    assert staff_admin.get(url).status_code == 200
    response = staff_admin.post(url, change_form(live))
    assert response.status_code == 405
    live.refresh_from_db()
    assert live.status == "live"


def test_mark_live_in_the_admin_is_refused_with_the_reasons(staff_admin, start, court):
    onboarding = start(court, go_live_in=20)
    page = staff_admin.get(transition_url(onboarding, "mark_live")).content.decode()
    assert "No go/no-go decision has been recorded." in page  # the blockers, before
    response = staff_admin.post(transition_url(onboarding, "mark_live"))
    assert response.status_code == 200
    messages = messages_of(response)
    assert "No go/no-go decision has been recorded." in messages
    assert any(m.startswith("Readiness gate 14.") for m in messages)
    onboarding.refresh_from_db()
    assert onboarding.status == "active"


def test_mark_live_and_undo_in_the_admin(staff_admin, start, court, make_ready):
    onboarding = make_ready(start(court, go_live_in=20))
    response = staff_admin.post(transition_url(onboarding, "mark_live"))
    assert response["Location"] == change_url(onboarding)
    onboarding.refresh_from_db()
    assert onboarding.status == "live"
    response = staff_admin.post(transition_url(onboarding, "undo_live"), {})
    assert response.status_code == 200  # the reason is required
    onboarding.refresh_from_db()
    assert onboarding.status == "live"
    response = staff_admin.post(
        transition_url(onboarding, "undo_live"), {"reason": "Wrong court"}
    )
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.status == "active"
    assert Transition.objects.filter(onboarding=onboarding).last().reason == (
        "Wrong court"
    )


def test_an_unknown_transition_is_refused(staff_admin, start, court):
    onboarding = start(court)
    assert staff_admin.get(transition_url(onboarding, "teleport")).status_code == 403


def test_a_django_staff_person_outside_the_team_cannot_move_a_status(
    client, start, court, make_ready
):
    """Admin rights alone are not the CCPOR Team: the service refuses."""
    onboarding = make_ready(start(court, go_live_in=20))
    person = UserFactory(username="admin-clerk", is_staff=True)
    person.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_onboarding", "change_onboarding"]
        )
    )
    client.force_login(person)
    response = client.post(transition_url(onboarding, "mark_live"))
    assert "Only the CCPOR Team moves an onboarding" in " ".join(messages_of(response))
    onboarding.refresh_from_db()
    assert onboarding.status == "active"


def test_list_actions_report_each_onboarding(
    staff_admin, start, court, other_court, make_ready
):
    ready = make_ready(start(court, go_live_in=20))
    not_ready = start(other_court, go_live_in=20)
    response = staff_admin.post(
        reverse("admin:checklists_onboarding_changelist"),
        {"action": "mark_live", "_selected_action": [ready.pk, not_ready.pk]},
        follow=True,
    )
    messages = messages_of(response)
    assert "Court A: live." in messages
    assert any(m.startswith("Court B: refused – Readiness gate 14.") for m in messages)
    assert Onboarding.objects.get(pk=ready.pk).status == "live"
    assert Onboarding.objects.get(pk=not_ready.pk).status == "active"


def test_moving_go_live_still_goes_through_the_reschedule(
    staff_admin, start, court, frozen_today
):
    onboarding = start(court, go_live_in=20)
    new_date = TODAY + days(40)
    response = staff_admin.post(
        change_url(onboarding),
        change_form(onboarding, go_live_date=new_date.isoformat(), reason="Later"),
    )
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == new_date
    assert onboarding.go_live_changes.get().reason == "Later"


# --- A closed onboarding's records in the admin ---------------------------------------


@pytest.fixture
def closed(live, make_closable, staff_user):
    services.onboarding_close(onboarding=make_closable(live), by=staff_user)
    return live


def test_a_closed_onboardings_item_cannot_be_edited_in_the_admin(staff_admin, closed):
    item = closed.items.get(order=11)
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    response = staff_admin.post(
        url,
        {
            "title": "Renamed after close",
            "phase": item.phase_id,
            "actor": item.actor,
            "kind": item.kind,
            "due_date": item.due_date.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "closed: it is read-only history" in response.content.decode()
    assert ChecklistItem.objects.get(pk=item.pk).title == item.title
    delete = reverse("admin:checklists_checklistitem_delete", args=[item.pk])
    assert staff_admin.get(delete).status_code == 403


def test_no_evidence_is_added_to_a_closed_onboarding_in_the_admin(staff_admin, closed):
    item = closed.items.get(order=11)
    before = Evidence.objects.count()
    response = staff_admin.post(
        reverse("admin:collaboration_evidence_add"),
        {"item": item.pk, "file": SimpleUploadedFile("a.pdf", evidence_bytes("pdf"))},
    )
    assert response.status_code == 200
    assert "read-only history" in response.content.decode()
    assert Evidence.objects.count() == before

"""Once an onboarding runs, which items are readiness gates, which require evidence,
whose they are and which items it has, are fixed for it: the admin neither edits
those nor adds or deletes items; a template change reaches it only through an
explicit re-plan by CCPOR staff, recorded with every change; a processing-model
change is such a re-plan, and its record lists the gate items it made N/A."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checklists import services
from checklists.models import ChecklistItem, Replan, TemplateItem
from tests.conftest import TODAY
from tests.factories import TemplateItemFactory

pytestmark = pytest.mark.django_db

GATE = 15  # Scanners installed and configured (Court, readiness gate)


@pytest.fixture
def onboarding(start, court, frozen_today):
    return start(court, go_live_in=60)


def item_of(onboarding, order: int) -> ChecklistItem:
    return onboarding.items.get(order=order)


def admin_item_data(admin_client, item, **changes) -> dict:
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
        if name != "depends_on"
    }
    data.update(changes)
    return data


# --- The admin and the item services ------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"is_readiness_gate": ""}, "whether an item is a readiness gate"),
        ({"evidence_required": "on"}, "whether it requires evidence"),
        ({"actor": "ccpor"}, "whose item it is"),
    ],
)
def test_the_admin_does_not_change_a_running_onboardings_plan(
    admin_client, onboarding, changes, words
):
    item = item_of(onboarding, GATE)
    data = admin_item_data(admin_client, item, **changes)
    response = admin_client.post(
        reverse("admin:checklists_checklistitem_change", args=[item.pk]), data
    )
    assert response.status_code == 200
    assert f"On a running onboarding, {words} changes only through a recorded " in (
        response.content.decode()
    )
    fresh = ChecklistItem.objects.get(pk=item.pk)
    assert (fresh.is_readiness_gate, fresh.evidence_required, fresh.actor) == (
        True,
        False,
        "court",
    )
    assert fresh.version == item.version


def test_other_details_are_still_corrected_in_the_admin(admin_client, onboarding):
    item = item_of(onboarding, GATE)
    data = admin_item_data(admin_client, item, title="Scanners set up")
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    assert admin_client.post(url, data).status_code == 302
    assert ChecklistItem.objects.get(pk=item.pk).title == "Scanners set up"


def test_the_service_refuses_a_plan_edit(onboarding, staff_user):
    item = item_of(onboarding, GATE)
    item.is_readiness_gate = False
    with pytest.raises(ValidationError, match="whether an item is a readiness gate"):
        services.item_update_details(
            item=item, by=staff_user, fields=["is_readiness_gate"]
        )
    assert ChecklistItem.objects.get(pk=item.pk).is_readiness_gate


def test_items_are_not_added_or_deleted_outside_a_replan(
    admin_client, onboarding, staff_user
):
    item = item_of(onboarding, GATE)
    with pytest.raises(ValidationError, match="items are added only through"):
        services.item_add(
            item=ChecklistItem(
                onboarding=onboarding,
                phase=item.phase,
                order=99,
                title="Extra",
                actor="court",
                kind="activity",
                offset_days=0,
                due_date=TODAY,
            ),
            by=staff_user,
        )
    assert (
        admin_client.get(reverse("admin:checklists_checklistitem_add")).status_code
        == 403
    )
    delete = reverse("admin:checklists_checklistitem_delete", args=[item.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    response = admin_client.post(
        reverse("admin:checklists_checklistitem_changelist"),
        {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert ChecklistItem.objects.filter(pk=item.pk).exists()
    assert onboarding.items.count() == 36


# --- Re-planning from the template ----------------------------------------------------


def test_a_template_change_reaches_a_running_onboarding_only_by_a_replan(
    onboarding, default_template, staff_user
):
    TemplateItem.objects.filter(template=default_template, order=GATE).update(
        is_readiness_gate=False, evidence_required=True
    )
    TemplateItemFactory(
        template=default_template, order=40, title="Second scanner test", actor="so"
    )
    assert item_of(onboarding, GATE).is_readiness_gate  # copied at the start
    replan = services.onboarding_replan(
        onboarding=onboarding, by=staff_user, reason="Template v1.1"
    )
    item = item_of(onboarding, GATE)
    assert (item.is_readiness_gate, item.evidence_required) == (False, True)
    assert item.history.first().history_change_reason == (
        "re-plan from the template: Template v1.1"
    )
    assert item_of(onboarding, 40).actor == "so"
    assert (replan.kind, replan.by, replan.reason) == (
        "template",
        staff_user,
        "Template v1.1",
    )
    assert replan.changes == [
        "15. Scanners installed and configured: readiness gate yes → no",
        "15. Scanners installed and configured: evidence required no → yes",
        "40. Second scanner test: added",
    ]


def test_a_replan_needs_staff_a_reason_and_something_to_change(
    onboarding, staff_user, court_lead, default_template
):
    with pytest.raises(ValidationError, match="Only the CCPOR Team re-plans"):
        services.onboarding_replan(onboarding=onboarding, by=court_lead, reason="x")
    with pytest.raises(ValidationError, match="nothing to re-plan"):
        services.onboarding_replan(onboarding=onboarding, by=staff_user, reason="x")
    TemplateItem.objects.filter(template=default_template, order=GATE).update(
        is_readiness_gate=False
    )
    with pytest.raises(ValidationError) as info:
        services.onboarding_replan(onboarding=onboarding, by=staff_user, reason=" ")
    assert "reason" in info.value.message_dict
    assert not Replan.objects.exists()
    assert item_of(onboarding, GATE).is_readiness_gate


def test_the_replan_page_shows_what_changes_and_records_it(
    client, onboarding, default_template, staff_user, court_lead
):
    TemplateItem.objects.filter(template=default_template, order=GATE).update(
        is_readiness_gate=False
    )
    url = reverse("portal:replan", kwargs={"slug": onboarding.court.slug})
    client.force_login(court_lead)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Mine"}).status_code == 403
    client.force_login(staff_user)
    html = client.get(url).content.decode()
    assert "15. Scanners installed and configured: readiness gate yes → no" in html
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and not Replan.objects.exists()
    response = client.post(url, {"reason": "The guide dropped the gate"})
    assert response.status_code == 302
    assert Replan.objects.get().reason == "The guide dropped the gate"
    assert not item_of(onboarding, GATE).is_readiness_gate
    assert "The guide dropped the gate" in client.get(url).content.decode()


# --- The processing model is a re-plan too -------------------------------------------


def test_a_processing_model_change_is_recorded_with_the_gates_it_made_na(
    onboarding, staff_user
):
    services.onboarding_set_processing_model(
        onboarding=onboarding,
        court_enters_carpos=False,
        so_participates=False,
        by=staff_user,
    )
    replan = Replan.objects.get()
    assert replan.kind == "processing_model" and replan.by == staff_user
    assert replan.reason == (
        "Court enters CARPOS: yes → no; sheriff's office participates: yes → no."
    )
    assert replan.gates_made_na == [
        "18. DOJ approval received",
        "19. CLETS certification of court data-entry staff",
        "20. SO secure channel to CCPOR configured",
    ]
    assert "12. DOJ/CLETS/CARPOS registration submitted: not applicable" in (
        replan.changes
    )
    # Made N/A on the re-plan's word (no document asked of the DOJ gate): the
    # readiness gate does not count them against Go-Live.
    doj = item_of(onboarding, 18)
    assert (doj.status, doj.na_justified_by) == ("na", "replan")
    from golive.selectors import live_readiness_for

    blockers = live_readiness_for([onboarding])[onboarding.pk].blockers
    assert not any(
        b.message.startswith(("Readiness gate 18.", "18.")) for b in blockers
    )


def test_only_staff_change_the_processing_model(onboarding, court_lead):
    with pytest.raises(ValidationError, match="Only the CCPOR Team changes"):
        services.onboarding_set_processing_model(
            onboarding=onboarding,
            court_enters_carpos=False,
            so_participates=True,
            by=court_lead,
        )
    assert item_of(onboarding, 18).status == "not_started"
    assert not Replan.objects.exists()


def test_a_replan_moves_a_running_onboarding_onto_a_newer_version(
    onboarding, staff_user, admin_client
):
    """A lead time accepted into a newer version (planning's lead_time_accept makes
    it with template_new_version) reaches a running onboarding by a re-plan: its
    unfinished items get the new offsets and due dates, finished ones keep theirs,
    and the record says so."""
    from checklists.services.templates import template_new_version

    late, done = item_of(onboarding, 18), item_of(onboarding, 2)
    older = onboarding.template
    services.item_set_status(
        item=done, status="done", by=staff_user, expected_version=done.version
    )
    done.refresh_from_db()
    newer = template_new_version(
        template=onboarding.template,
        offsets={18: late.offset_days - 14, 2: done.offset_days - 14},
        by=staff_user,
    )
    preview = services.replan_preview(onboarding)
    assert preview.template == newer
    assert [m.item.order for m in preview.moves] == [18]

    record = services.onboarding_replan(
        onboarding=onboarding, by=staff_user, reason="DOJ takes longer."
    )
    onboarding.refresh_from_db()
    assert onboarding.template == newer
    assert set(onboarding.items.values_list("template_item__template", flat=True)) == {
        newer.pk
    }
    moved = item_of(onboarding, 18)
    assert moved.due_date == late.due_date - datetime.timedelta(days=14)
    assert moved.offset_days == late.offset_days - 14
    assert item_of(onboarding, 2).due_date == done.due_date  # finished: kept
    assert record.changes[:2] == [
        f"Moved from {older} onto {newer}",
        f"{moved}: due {late.due_date:%b %-d, %Y} → {moved.due_date:%b %-d, %Y} "
        f"({moved.offset_days:+d} days from Go-Live)",
    ]
    # Nothing left to bring: a second re-plan is refused.
    with pytest.raises(ValidationError):
        services.onboarding_replan(onboarding=onboarding, by=staff_user, reason="x")

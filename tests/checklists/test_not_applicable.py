"""Finishing an item stands on the right word: an evidence-required item is finished
(done or N/A) only with its document; "not applicable" on a court's or sheriff's
office's readiness gate needs that side's own justification, recorded as such, and
CCPOR staff cannot give it, one by one, in bulk, inline or by any other path; on
CCPOR Team and DOJ items it is the CCPOR Team's word. Only a recorded re-plan
(the processing model) makes an item N/A otherwise."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checklists import services
from checklists.models import ChecklistItem
from tests.factories import attach_evidence

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
COURT_GATE, SO_GATE, DOJ_GATE = 15, 19, 18  # scanners; CLETS certification; DOJ
COURT_EVIDENCE_ITEM, CCPOR_EVIDENCE_ITEM, CCPOR_ITEM = 13, 24, 1


@pytest.fixture
def onboarding(start, court, frozen_today):
    return start(court, go_live_in=60)


def item_of(onboarding, order: int) -> ChecklistItem:
    return onboarding.items.get(order=order)


def mark_na(item, by, reason="Does not apply here."):
    return services.item_set_status(
        item=item,
        status="na",
        by=by,
        expected_version=item.version,
        reason=reason,
    )


def unchanged(item) -> bool:
    fresh = ChecklistItem.objects.get(pk=item.pk)
    return (fresh.status, fresh.version, fresh.na_justification) == (
        item.status,
        item.version,
        item.na_justification,
    )


# --- The service: whose word ----------------------------------------------------------


def test_staff_cannot_na_a_court_or_so_readiness_gate(
    onboarding, staff_user, superuser
):
    for order in (COURT_GATE, SO_GATE):
        item = item_of(onboarding, order)
        for person in (staff_user, superuser):
            with pytest.raises(ValidationError) as info:
                mark_na(item, person)
            side = "Court" if order == COURT_GATE else "Sheriff's Office"
            assert info.value.message_dict == {
                "status": [
                    f"“{item.title}” is a readiness gate of the {side}: only the "
                    f"{side} marks it not applicable, with its own justification."
                ]
            }
            assert unchanged(item)


def test_each_side_nas_its_own_gate_recorded_as_its_word(
    onboarding, court_lead, court_liaison
):
    court_gate = mark_na(item_of(onboarding, COURT_GATE), court_lead, "SO scans.")
    so_gate = mark_na(item_of(onboarding, SO_GATE), court_liaison, "Court enters.")
    assert (court_gate.na_justified_by, court_gate.completed_by) == (
        "court",
        court_lead,
    )
    assert (so_gate.na_justified_by, so_gate.completed_by) == ("so", court_liaison)


def test_one_side_cannot_na_the_others_gate_nor_a_viewer_any(
    onboarding, court, court_lead, court_liaison
):
    from tests.factories import MembershipFactory

    viewer = MembershipFactory(court=court, role="viewer").user
    for item, person in (
        (item_of(onboarding, SO_GATE), court_lead),
        (item_of(onboarding, COURT_GATE), court_liaison),
        (item_of(onboarding, COURT_GATE), viewer),
    ):
        with pytest.raises(ValidationError, match="only the .* marks it"):
            mark_na(item, person)
        assert unchanged(item)


def test_ccpor_and_doj_items_are_nad_on_the_ccpor_teams_word(
    onboarding, staff_user, court_lead
):
    ccpor_item = item_of(onboarding, CCPOR_ITEM)
    with pytest.raises(ValidationError, match="only the CCPOR Team marks it"):
        mark_na(ccpor_item, court_lead)
    assert mark_na(ccpor_item, staff_user).na_justified_by == "ccpor"
    doj_gate = item_of(onboarding, DOJ_GATE)
    with pytest.raises(ValidationError, match="needs evidence"):
        mark_na(doj_gate, staff_user)
    attach_evidence(doj_gate, by=staff_user)
    doj_gate.refresh_from_db()
    assert mark_na(doj_gate, staff_user).na_justified_by == "ccpor"


def test_an_evidence_required_item_is_nad_only_with_its_document(
    onboarding, court_lead, staff_user
):
    for order, person in (
        (COURT_EVIDENCE_ITEM, court_lead),
        (COURT_EVIDENCE_ITEM, staff_user),
        (CCPOR_EVIDENCE_ITEM, staff_user),
    ):
        item = item_of(onboarding, order)
        with pytest.raises(ValidationError) as info:
            mark_na(item, person)
        assert info.value.message_dict["status"] == [
            f"“{item.title}” needs evidence: upload its document before it can be "
            "marked not applicable."
        ]
        assert unchanged(item)
    item = item_of(onboarding, COURT_EVIDENCE_ITEM)
    attach_evidence(item, by=court_lead)
    item.refresh_from_db()
    assert mark_na(item, court_lead).status == "na"


def test_bulk_na_by_staff_leaves_every_court_and_so_gate(onboarding, staff_user):
    gates = list(onboarding.items.filter(is_readiness_gate=True).order_by("order"))
    changed, refused = services.items_bulk_set_status(
        items=gates,
        status="na",
        by=staff_user,
        expected_versions={g.pk: g.version for g in gates},
        reason="Not needed.",
    )
    refused_orders = {item.order for item, _ in refused}
    assert {g.order for g in gates if g.actor in ("court", "so")} <= refused_orders
    # The DOJ gate needs its document; nothing of the gates went through.
    assert changed == []
    assert all(unchanged(g) for g in gates)


# --- The pages: one by one, inline, in bulk -------------------------------------------


def test_the_item_page_and_its_inline_form_refuse_staff_a_court_gate_na(
    client, onboarding, staff_user
):
    item = item_of(onboarding, COURT_GATE)
    client.force_login(staff_user)
    url = reverse(
        "checklists:item_status",
        kwargs={"slug": item.onboarding.court.slug, "pk": item.pk},
    )
    data = {"status": "na", "reason": "Not needed", "expected_version": item.version}
    for extra in ({}, HTMX):
        response = client.post(url, data, **extra)
        assert response.status_code == 200
        assert "only the Court marks it not applicable" in response.content.decode()
        assert unchanged(item)


def test_the_bulk_form_refuses_staff_each_court_gate_na(client, onboarding, staff_user):
    gates = list(
        onboarding.items.filter(is_readiness_gate=True, actor="court").order_by("order")
    )
    client.force_login(staff_user)
    body = {"items": [g.pk for g in gates], "status": "na", "reason": "Not needed"}
    body.update({f"v{g.pk}": g.version for g in gates})
    response = client.post(
        reverse("checklists:bulk_status", kwargs={"slug": onboarding.court.slug}),
        body,
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == len(gates)
    assert all(
        m.startswith("Not changed – ") and "only the Court marks it" in m
        for m in messages
    )
    assert all(unchanged(g) for g in gates)


def test_the_admin_sets_no_status(admin_client, onboarding):
    """The item's admin has no status field: a POST naming one changes nothing."""
    item = item_of(onboarding, COURT_GATE)
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "status" not in form.fields
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
        if name != "depends_on"
    }
    data.update(status="na", na_justification="forged", na_justified_by="court")
    assert admin_client.post(url, data).status_code == 302
    fresh = ChecklistItem.objects.get(pk=item.pk)
    assert (fresh.status, fresh.na_justification, fresh.na_justified_by) == (
        "not_started",
        "",
        "",
    )


# --- The Go-Live gate reads the same rule ---------------------------------------------


def test_a_court_gate_nad_on_the_ccpor_teams_word_does_not_open_the_gate(
    onboarding, court_lead
):
    """Data written before the rule (or past the service) does not count: the gate
    asks for the court's own justification, and for the document of an
    evidence-required item."""
    from golive.selectors import live_readiness_for

    onboarding.items.filter(order=COURT_GATE).update(
        status="na", na_justification="Staff said so", na_justified_by="ccpor"
    )
    onboarding.items.filter(order=27).update(
        status="na", na_justification="Skipped", na_justified_by="court"
    )
    readiness = live_readiness_for([onboarding])[onboarding.pk]
    messages = [b.message for b in readiness.blockers]
    assert (
        "Readiness gate 15. Scanners installed and configured is N/A without a "
        "justification of the Court (given by: CCPOR Team)." in messages
    )
    assert (
        "27. Acceptance test sign-off is not applicable but has no document "
        "(evidence required)." in messages
    )
    mark = item_of(onboarding, COURT_GATE)
    services.item_set_status(
        item=mark,
        status="na",
        by=court_lead,
        expected_version=mark.version,
        reason="Scanning is the SO's",
    )
    readiness = live_readiness_for([onboarding])[onboarding.pk]
    assert not any(
        b.message.startswith("Readiness gate 15.") for b in readiness.blockers
    )

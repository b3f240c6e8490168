"""Readiness to go live, worked out afresh by `golive.readiness` whenever it is
read (nothing of it is stored): after every kind of write that the rule reads
(items, documents, the processing model, Go-Live moves, sign-offs asked, given and
revoked, go/no-go decisions), the figures follow, and the dashboard's readiness
panel shows them."""

import datetime

import pytest
from django.urls import reverse

from checklists import services as checklists
from checklists.models import ChecklistItem, Onboarding, TemplateItem
from collaboration.models import Evidence
from golive import services
from golive.models import GoNoGoDecision, SignOffKind
from golive.selectors import live_readiness_for
from tests.factories import attach_evidence

from .stages import finish

pytestmark = pytest.mark.django_db


def agrees(onboarding) -> dict:
    """The readiness figures of the onboarding, read afresh."""
    fresh = Onboarding.objects.select_related("court").get(pk=onboarding.pk)
    r = live_readiness_for([fresh])[fresh.pk]
    return {
        "gates_total": r.gates_total,
        "gates_done": r.gates_done,
        "sign_offs_needed": r.sign_offs_needed,
        "sign_offs_given": r.sign_offs_given,
        "sign_offs_asked": r.sign_offs_asked,
        "live_blockers": len(r.blockers),
        "go_no_go": r.decision.decision if r.decision else "",
    }


def test_readiness_follows_every_kind_of_change(
    start, court, court_eo, court_liaison, staff_user, admin_client, today
):
    onboarding = start(court, go_live_in=20)
    first = agrees(onboarding)
    gates = onboarding.items.filter(is_readiness_gate=True).order_by("order")
    assert first["gates_total"] == gates.count() > 0
    assert (first["gates_done"], first["sign_offs_given"]) == (0, 0)
    assert first["sign_offs_needed"] == 3  # the SO participates
    assert first["go_no_go"] == ""
    # gates + three sign-offs + no decision
    assert first["live_blockers"] == gates.count() + 4

    # An item: a court's gate N/A with the court's justification.
    gate = gates.exclude(evidence_required=True).first()
    assert gate.actor == "court"
    checklists.item_set_status(
        item=gate,
        status=ChecklistItem.Status.NOT_APPLICABLE,
        by=court_eo,
        expected_version=gate.version,
        reason="Not used here.",
    )
    assert agrees(onboarding)["gates_done"] == 1

    # Documents, then items done (an evidence-required gate among them); its
    # document deleted in the admin: done without its document blocks again.
    with_evidence = gates.filter(evidence_required=True).first()
    attach_evidence(with_evidence, by=staff_user)
    agrees(onboarding)
    finish(onboarding, by=staff_user, up_to=with_evidence.order)
    finished = agrees(onboarding)
    assert finished["gates_done"] > 1
    evidence = Evidence.objects.get(item=with_evidence)
    response = admin_client.post(
        reverse("admin:collaboration_evidence_delete", args=[evidence.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 302
    after_delete = agrees(onboarding)
    assert after_delete["gates_done"] == finished["gates_done"] - 1
    assert after_delete["live_blockers"] == finished["live_blockers"] + 1

    # A re-plan from the template: the item is no longer a readiness gate.
    TemplateItem.objects.filter(pk=gate.template_item_id).update(
        is_readiness_gate=False
    )
    checklists.onboarding_replan(onboarding=onboarding, by=staff_user, reason="v2")
    assert agrees(onboarding)["gates_total"] == first["gates_total"] - 1

    # Sign-offs: asked, given, revoked.
    services.sign_off_ask(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role="executive_officer",
        asked=court_eo,
        by=staff_user,
    )
    assert agrees(onboarding)["sign_offs_asked"] == 1
    signed = services.sign_off_give(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role="executive_officer",
        by=court_eo,
        statement="Accepted.",
    )
    given = agrees(onboarding)
    assert (given["sign_offs_given"], given["sign_offs_asked"]) == (1, 0)
    services.sign_off_revoke(sign_off=signed, by=court_eo, reason="Retest")
    assert agrees(onboarding)["sign_offs_given"] == 0

    # The processing model: without the SO, no liaison sign-off is needed.
    onboarding.refresh_from_db()
    checklists.onboarding_set_processing_model(
        onboarding=onboarding,
        court_enters_carpos=True,
        so_participates=False,
        by=staff_user,
    )
    assert agrees(onboarding)["sign_offs_needed"] == 2

    # Go/no-go (once the court has accepted): a go, then Go-Live moved (the go was
    # for the old date), a no-go, and a postponement.
    services.sign_off_give(
        onboarding=onboarding,
        kind=SignOffKind.ACCEPTANCE,
        role="executive_officer",
        by=court_eo,
        statement="Accepted after the retest.",
    )
    services.go_no_go_record(
        onboarding=onboarding, by=staff_user, decision=GoNoGoDecision.Decision.GO
    )
    went = agrees(onboarding)
    assert went["go_no_go"] == "go"
    onboarding.refresh_from_db()
    checklists.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=onboarding.go_live_date + datetime.timedelta(days=7),
        reason="Scanners late.",
        by=staff_user,
        today=today,
    )
    moved = agrees(onboarding)
    assert moved["live_blockers"] == went["live_blockers"] + 1
    services.go_no_go_record(
        onboarding=onboarding,
        by=staff_user,
        decision=GoNoGoDecision.Decision.NO_GO,
        reason="Training not done.",
    )
    assert agrees(onboarding)["go_no_go"] == "no_go"
    services.go_no_go_record(
        onboarding=onboarding,
        by=staff_user,
        decision=GoNoGoDecision.Decision.POSTPONE,
        reason="Training not done.",
        new_go_live_date=today + datetime.timedelta(days=60),
        today=today,
    )
    assert agrees(onboarding)["go_no_go"] == "postpone"


def test_an_onboarding_brought_to_ready_shows_no_blocker(
    start, court, make_ready, client, staff_user
):
    onboarding = make_ready(start(court, go_live_in=10))
    figures = agrees(onboarding)
    assert figures["live_blockers"] == 0
    assert figures["gates_done"] == figures["gates_total"]
    assert figures["sign_offs_given"] == figures["sign_offs_needed"] == 3
    client.force_login(staff_user)
    html = client.get(reverse("dashboard:index")).content.decode()
    panel = html[html.index('id="readiness-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert "Ready" in panel and "blocker" not in panel
    assert f"{figures['gates_total']} / {figures['gates_total']}" in panel

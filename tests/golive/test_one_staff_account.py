"""One CCPOR Team account, with nobody from the court involved, tries to take a
court through the whole Go-Live gate and mark it live, by every path it has: it is
refused at each step, each refusal says why, and nothing changes."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from checklists.models import ChecklistItem, Replan
from courts.models import Membership
from golive.models import GoNoGoDecision, SignOff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# (Up to its apostrophe, which the pages escape.)
STAFF_REFUSAL = "it cannot also hold a court or sheriff"


@pytest.fixture
def lone(client):
    """The one account: CCPOR Team staff, and a superuser in the admin."""
    person = UserFactory(
        username="lone",
        email="lone@ccpor.example.org",
        first_name="Lone",
        last_name="Ranger",
        ccpor_staff=True,
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(person)
    return person


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def court_url(name: str, court) -> str:
    return reverse(name, kwargs={"slug": court.slug})


def sign(client, court, role: str):
    prefix = f"give-acceptance-{role}"
    return client.post(
        court_url("golive:sign_off_give", court),
        {
            "line": f"acceptance-{role}",
            f"{prefix}-kind": "acceptance",
            f"{prefix}-role": role,
            f"{prefix}-statement": "Accepted.",
        },
    )


def test_one_staff_account_cannot_take_a_court_live(client, lone, start, court):
    onboarding = start(court, go_live_in=20)
    gates = list(onboarding.items.filter(is_readiness_gate=True).order_by("order"))

    # 1. It makes itself the court's executive officer: by the invitation form...
    response = client.post(
        court_url("portal:invite", court),
        {
            "email": lone.email,
            "first_name": "Lone",
            "last_name": "Ranger",
            "organisation": "court",
            "role": "executive_officer",
        },
    )
    assert STAFF_REFUSAL in response.content.decode()
    # ...and by the admin, on the membership's page and on its own user page.
    response = client.post(
        reverse("admin:courts_membership_add"),
        {
            "user": lone.pk,
            "court": court.pk,
            "organisation": "court",
            "role": "executive_officer",
        },
    )
    assert STAFF_REFUSAL in response.content.decode()
    response = client.post(
        reverse("admin:courts_court_change", args=[court.pk]),
        {
            "name": court.name,
            "slug": court.slug,
            "court_type": court.court_type,
            "district": court.district,
            "county": court.county,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": lone.pk,
            "memberships-0-organisation": "court",
            "memberships-0-role": "executive_officer",
        },
    )
    assert STAFF_REFUSAL in response.content.decode()
    assert not Membership.objects.exists()

    # 2. It clears the gates: N/A in bulk, including those that require evidence...
    body = {"items": [g.pk for g in gates], "status": "na", "reason": "Not needed"}
    body.update({f"v{g.pk}": g.version for g in gates})
    response = client.post(
        court_url("checklists:bulk_status", court), body, follow=True
    )
    refusals = [m for m in messages_of(response) if m.startswith("Not changed")]
    assert len(refusals) == len(gates)
    # ...then by unticking each gate's flag in the admin.
    gate = gates[0]
    url = reverse("admin:checklists_checklistitem_change", args=[gate.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
        if name != "depends_on"
    }
    data["is_readiness_gate"] = ""
    response = client.post(url, data)
    assert "only through a recorded re-plan" in response.content.decode()
    assert (
        not ChecklistItem.objects.filter(onboarding=onboarding, is_readiness_gate=True)
        .exclude(status="not_started")
        .exists()
    )
    assert onboarding.items.filter(is_readiness_gate=True).count() == len(gates)

    # 3. It signs the court's acceptance line, then its own team line.
    response = sign(client, court, "executive_officer")
    assert "The CCPOR Team never signs for the court" in response.content.decode()
    response = sign(client, court, "ccpor")
    assert "The CCPOR Team signs last; waiting for the court executive officer" in (
        response.content.decode()
    )
    assert not SignOff.objects.exists()

    # 4. It records "go".
    response = client.post(court_url("golive:decision", court), {"decision": "go"})
    assert "A go is recorded only after the court has signed its acceptance" in (
        response.content.decode()
    )
    assert not GoNoGoDecision.objects.exists()

    # 5. It marks the court live: on the Go-Live page and by the admin's action.
    response = client.post(court_url("golive:mark_live", court))
    html = response.content.decode()
    assert "Readiness gate 14. CCTC connectivity verified end to end" in html
    assert "No go/no-go decision has been recorded." in html
    response = client.post(
        reverse("admin:checklists_onboarding_changelist"),
        {"action": "mark_live", "_selected_action": [onboarding.pk]},
        follow=True,
    )
    assert any(m.startswith("Court A: refused") for m in messages_of(response))

    onboarding.refresh_from_db()
    assert onboarding.status == "active"
    assert not Replan.objects.exists()
    assert not lone.memberships.exists()

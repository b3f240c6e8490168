"""The Go-Live phase's separation of duties: a court's or SO's line is signed only
by an active member of that organisation at that court holding the line's role,
never by CCPOR staff; one person signs at most one line of each set; "go" is
recorded only once the court has signed its own acceptance line; and a go holds
for the Go-Live date it was taken for, until the date next moves, even back to
the same day."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from checklists import services as checklists
from courts.models import Membership
from golive import services
from golive.models import GoNoGoDecision, SignOff, SignOffRequest
from golive.selectors import role_holders
from tests.conftest import TODAY
from tests.factories import MembershipFactory, UserFactory, days

pytestmark = pytest.mark.django_db

ACCEPTANCE, CLOSE_OUT = "acceptance", "close_out"
EO, SO, TEAM = "executive_officer", "so_liaison", "ccpor"


def give(onboarding, role, by, kind=ACCEPTANCE):
    return services.sign_off_give(
        onboarding=onboarding, kind=kind, role=role, by=by, statement="Signed."
    )


@pytest.fixture
def onboarding(start, court):
    return start(court, go_live_in=20)


def staff_holding(court, role: str, organisation: str = "court"):
    """CCPOR staff who also hold a court role: only data written past every guard
    (bulk_create sends no signal) can make one; the rules must still hold."""
    person = UserFactory(username=f"staff-{role}", ccpor_staff=True)
    Membership.objects.bulk_create(
        [Membership(user=person, court=court, organisation=organisation, role=role)]
    )
    return person


# --- Who signs a line ---------------------------------------------------------------


def test_staff_holding_a_court_role_still_cannot_sign_its_line(
    onboarding, court, court_eo
):
    staff_eo = staff_holding(court, "executive_officer")
    staff_liaison = staff_holding(court, "liaison", organisation="so")
    for role, person in ((EO, staff_eo), (SO, staff_liaison)):
        with pytest.raises(ValidationError, match="never signs for the court"):
            give(onboarding, role, person)
    assert not SignOff.objects.exists()
    assert list(role_holders(court, EO)) == [court_eo]


def test_an_inactive_role_holder_cannot_sign(onboarding, court_eo):
    court_eo.is_active = False
    court_eo.save()
    with pytest.raises(ValidationError, match="Only the court executive officer"):
        give(onboarding, EO, court_eo)


def test_one_person_signs_one_line_of_a_set(onboarding, court_eo):
    give(onboarding, EO, court_eo)
    # The executive officer later becomes the SO liaison (an admin edit): still
    # one line of this set for them.
    Membership.objects.filter(user=court_eo).update(organisation="so", role="liaison")
    court_eo = type(court_eo).objects.get(pk=court_eo.pk)
    with pytest.raises(ValidationError) as info:
        give(onboarding, SO, court_eo)
    assert info.value.messages == [
        "You already signed this acceptance testing as the court executive "
        "officer; one person signs one line of it."
    ]
    assert SignOff.objects.count() == 1


def test_one_person_signs_one_line_of_the_close_out_too(live, court_eo):
    give(live, EO, court_eo, kind=CLOSE_OUT)
    Membership.objects.filter(user=court_eo).update(organisation="so", role="liaison")
    court_eo = type(court_eo).objects.get(pk=court_eo.pk)
    with pytest.raises(ValidationError, match="one person signs one line of it"):
        give(live, SO, court_eo, kind=CLOSE_OUT)
    assert SignOff.objects.filter(kind=CLOSE_OUT).count() == 1


def test_the_database_holds_one_line_per_signer_too(onboarding, court_eo):
    signed = give(onboarding, EO, court_eo)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOff.objects.create(
            onboarding=onboarding,
            kind=ACCEPTANCE,
            role=SO,
            statement="Twice",
            signed_by=court_eo,
            signer_name="x",
            signed_at=timezone.now(),
        )
    # A line of the other set, or after revoking, is another matter.
    services.sign_off_revoke(sign_off=signed, by=court_eo, reason="Retest")
    give(onboarding, EO, court_eo)


def test_the_page_refuses_staff_the_courts_line(client, onboarding, court, staff_user):
    client.force_login(staff_user)
    prefix = f"give-{ACCEPTANCE}-{EO}"
    response = client.post(
        reverse("golive:sign_off_give", kwargs={"slug": court.slug}),
        {
            "line": f"{ACCEPTANCE}-{EO}",
            f"{prefix}-kind": ACCEPTANCE,
            f"{prefix}-role": EO,
            f"{prefix}-statement": "For the court",
        },
    )
    assert response.status_code == 200
    assert "The CCPOR Team never signs for the court" in response.content.decode()
    assert not SignOff.objects.exists()


# --- Asking: only that court's holders ---------------------------------------------


def test_a_sign_off_request_lists_and_accepts_only_that_courts_holders(
    client, onboarding, court, court_eo, other_court, staff_user
):
    """The form offers the court's executive officer alone; a POST naming another
    court's (or CCPOR staff holding a court role past every guard) is refused
    without naming them."""
    stranger = MembershipFactory(
        court=other_court,
        user__username="eo-b",
        user__first_name="Bianca",
        user__last_name="Otherton",
        role="executive_officer",
    ).user
    staff_eo = staff_holding(court, "executive_officer")
    client.force_login(staff_user)
    page = reverse("golive:sign_offs", kwargs={"slug": court.slug})
    html = client.get(page).content.decode()
    offered = re.search(
        r'name="ask-acceptance-executive_officer-asked".*?</select>', html, re.S
    ).group(0)
    assert re.findall(r'<option value="(\d+)"', offered) == [str(court_eo.pk)]
    assert "Bianca" not in html
    prefix = f"ask-{ACCEPTANCE}-{EO}"
    for person in (stranger, staff_eo):
        response = client.post(
            reverse("golive:sign_off_ask", kwargs={"slug": court.slug}),
            {
                "line": f"{ACCEPTANCE}-{EO}",
                f"{prefix}-kind": ACCEPTANCE,
                f"{prefix}-role": EO,
                f"{prefix}-asked": person.pk,
            },
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Choose one of the people who hold this role here." in html
        assert "Bianca" not in html and "Otherton" not in html and "eo-b" not in html
    assert not SignOffRequest.objects.exists()


# --- Go/no-go: after the court's acceptance, bound to its date ----------------------


def test_go_is_recorded_only_after_the_court_signed_its_acceptance(
    onboarding, court, court_eo, staff_user
):
    with pytest.raises(ValidationError) as info:
        services.go_no_go_record(
            onboarding=onboarding, by=staff_user, decision=GoNoGoDecision.Decision.GO
        )
    assert info.value.message_dict == {
        "decision": [
            "A go is recorded only after the court has signed its acceptance: the "
            "court executive officer of Court A has not signed it yet."
        ]
    }
    # A no-go (or a postponement) does not wait for it.
    services.go_no_go_record(
        onboarding=onboarding, by=staff_user, decision="no_go", reason="Tests failed"
    )
    give(onboarding, EO, court_eo)
    services.go_no_go_record(onboarding=onboarding, by=staff_user, decision="go")
    assert GoNoGoDecision.objects.filter(decision="go").count() == 1


def test_a_court_line_signed_by_staff_is_no_acceptance(onboarding, staff_user):
    """Written past the services (before the rule): the go still waits for the
    court's own signature."""
    SignOff.objects.create(
        onboarding=onboarding,
        kind=ACCEPTANCE,
        role=EO,
        statement="For the court",
        signed_by=staff_user,
        signer_name="Staff",
        signed_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="has not signed it yet"):
        services.go_no_go_record(onboarding=onboarding, by=staff_user, decision="go")
    assert not GoNoGoDecision.objects.exists()


def test_the_decision_page_refuses_a_go_before_the_courts_acceptance(
    client, onboarding, court, staff_user
):
    client.force_login(staff_user)
    response = client.post(
        reverse("golive:decision", kwargs={"slug": court.slug}), {"decision": "go"}
    )
    assert response.status_code == 200
    assert "A go is recorded only after the court has signed" in (
        response.content.decode()
    )
    assert not GoNoGoDecision.objects.exists()


def move(onboarding, *, to, by):
    onboarding.refresh_from_db()
    checklists.onboarding_reschedule(
        onboarding=onboarding, go_live_date=to, reason="Moved", by=by, today=TODAY
    )


def test_a_go_does_not_survive_a_move_of_the_date_even_back_to_the_same_day(
    onboarding, make_ready, staff_user
):
    make_ready(onboarding)
    original = onboarding.go_live_date
    move(onboarding, to=original + days(7), by=staff_user)
    move(onboarding, to=original, by=staff_user)
    with pytest.raises(services.TransitionRefused) as info:
        services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    [message] = info.value.messages
    assert message.startswith("Go-Live was moved after the go decision of ")
    assert message.endswith("Decide again.")
    services.go_no_go_record(onboarding=onboarding, by=staff_user, decision="go")
    services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    onboarding.refresh_from_db()
    assert onboarding.status == "live"


def test_the_page_and_the_admin_action_refuse_a_stale_go(
    client, admin_client, onboarding, court, make_ready, staff_user
):
    make_ready(onboarding)
    original = onboarding.go_live_date
    move(onboarding, to=original + days(3), by=staff_user)
    move(onboarding, to=original, by=staff_user)
    client.force_login(staff_user)
    response = client.post(reverse("golive:mark_live", kwargs={"slug": court.slug}))
    assert response.status_code == 200
    assert "Go-Live was moved after the go decision" in response.content.decode()
    response = admin_client.post(
        reverse("admin:checklists_onboarding_changelist"),
        {"action": "mark_live", "_selected_action": [onboarding.pk]},
        follow=True,
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Go-Live was moved after the go decision" in m for m in messages)
    onboarding.refresh_from_db()
    assert onboarding.status == "active"


def test_a_postponement_needs_a_new_go(onboarding, make_ready, staff_user):
    make_ready(onboarding)
    services.go_no_go_record(
        onboarding=onboarding,
        by=staff_user,
        decision="postpone",
        reason="Scanners late",
        new_go_live_date=onboarding.go_live_date + days(5),
        today=TODAY,
    )
    with pytest.raises(services.TransitionRefused, match="postponed Go-Live"):
        services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    services.go_no_go_record(onboarding=onboarding, by=staff_user, decision="go")
    services.onboarding_mark_live(onboarding=onboarding, by=staff_user)


def test_a_move_in_the_admin_and_back_needs_a_new_go(
    admin_client, onboarding, make_ready, staff_user, frozen_today
):
    from .test_admin import change_form, change_url

    make_ready(onboarding)
    original = onboarding.go_live_date
    for date in (original + days(2), original):
        onboarding.refresh_from_db()
        response = admin_client.post(
            change_url(onboarding),
            change_form(onboarding, go_live_date=date.isoformat(), reason="Moved"),
        )
        assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == original
    with pytest.raises(services.TransitionRefused, match="Go-Live was moved after"):
        services.onboarding_mark_live(onboarding=onboarding, by=staff_user)

"""Sign-offs: only the person holding the role for that court signs, the CCPOR Team
last; a signature is never edited, only revoked with a reason (kept); asking e-mails
the person asked."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from golive import services
from golive.models import SignOff, SignOffRequest
from golive.selectors import live_readiness_for
from notifications.services import notifications_send_pending
from tests.factories import CourtFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ACCEPTANCE, CLOSE_OUT = "acceptance", "close_out"
EO, SO, TEAM = "executive_officer", "so_liaison", "ccpor"


def give(onboarding, role, by, kind=ACCEPTANCE, statement="Tests passed."):
    return services.sign_off_give(
        onboarding=onboarding, kind=kind, role=role, by=by, statement=statement
    )


@pytest.fixture
def onboarding(start, court):
    return start(court, go_live_in=20)


def test_only_the_courts_executive_officer_gives_its_sign_off(
    onboarding, court_eo, court_lead, court_liaison, staff_user, other_court
):
    other_eo = MembershipFactory(court=other_court, role="executive_officer").user
    message = "Only the court executive officer of Court A can give this sign-off."
    for person in (court_lead, court_liaison, other_eo):
        with pytest.raises(ValidationError) as info:
            give(onboarding, EO, person)
        assert info.value.messages == [message]
    with pytest.raises(ValidationError) as info:
        give(onboarding, EO, staff_user)
    assert info.value.messages == [
        "The CCPOR Team never signs for the court or its sheriff's office. " + message
    ]
    assert not SignOff.objects.exists()
    signed = give(onboarding, EO, court_eo, statement="Acceptance tests passed.")
    assert (signed.signed_by, signed.signer_name, signed.statement) == (
        court_eo,
        court_eo.get_full_name() or court_eo.get_username(),
        "Acceptance tests passed.",
    )
    assert signed.signed_at is not None


def test_only_the_so_liaison_gives_the_so_sign_off(
    onboarding, court, court_eo, court_lead, court_liaison
):
    so_viewer = MembershipFactory(court=court, organisation="so", role="viewer").user
    for person in (court_eo, court_lead, so_viewer):
        with pytest.raises(ValidationError, match="Only the sheriff's office liaison"):
            give(onboarding, SO, person)
    give(onboarding, SO, court_liaison)


def test_no_so_sign_off_when_the_sheriffs_office_does_not_participate(
    start, other_court, staff_user
):
    onboarding = start(other_court, go_live_in=20, so=False)
    liaison = MembershipFactory(court=other_court, organisation="so", role="liaison")
    with pytest.raises(ValidationError, match="does not participate"):
        give(onboarding, SO, liaison.user)
    readiness = live_readiness_for([onboarding])[onboarding.pk]
    assert [line.role for line in readiness.sign_offs] == [EO, TEAM]


def test_the_ccpor_team_signs_last(
    onboarding, court_eo, court_liaison, staff_user, court_lead
):
    with pytest.raises(ValidationError) as info:
        give(onboarding, TEAM, staff_user)
    assert info.value.messages == [
        "The CCPOR Team signs last; waiting for the court executive officer and the "
        "sheriff's office liaison."
    ]
    give(onboarding, EO, court_eo)
    with pytest.raises(ValidationError, match="waiting for the sheriff's office"):
        give(onboarding, TEAM, staff_user)
    give(onboarding, SO, court_liaison)
    with pytest.raises(ValidationError, match="Only the CCPOR Team of Court A"):
        give(onboarding, TEAM, court_lead)
    give(onboarding, TEAM, staff_user)
    readiness = live_readiness_for([onboarding])[onboarding.pk]
    assert (readiness.sign_offs_given, readiness.sign_offs_needed) == (3, 3)
    assert not [b for b in readiness.blockers if b.kind == "sign_off"]


def test_a_role_signs_once_until_revoked(onboarding, court_eo):
    give(onboarding, EO, court_eo)
    with pytest.raises(ValidationError, match="already signed .* revoked before"):
        give(onboarding, EO, court_eo)
    assert SignOff.objects.count() == 1


def test_a_statement_is_required(onboarding, court_eo):
    with pytest.raises(ValidationError) as info:
        give(onboarding, EO, court_eo, statement="  ")
    assert info.value.message_dict == {"statement": ["Write the statement you sign."]}


def test_close_out_is_signed_while_live(onboarding, court_eo):
    with pytest.raises(
        ValidationError,
        match="The close-out sign-offs are given while the onboarding is live; this "
        "one is active.",
    ):
        give(onboarding, EO, court_eo, kind=CLOSE_OUT)


def test_acceptance_is_signed_while_active(live, court_eo):
    with pytest.raises(
        ValidationError,
        match="acceptance testing sign-offs are given while the onboarding is active",
    ):
        give(live, EO, court_eo, kind=ACCEPTANCE)


def test_revoking_keeps_the_signature_and_its_reason(onboarding, court_eo):
    signed = give(onboarding, EO, court_eo)
    with pytest.raises(ValidationError, match="Say why the sign-off is revoked"):
        services.sign_off_revoke(sign_off=signed, by=court_eo, reason="")
    services.sign_off_revoke(sign_off=signed, by=court_eo, reason="Retest needed")
    signed.refresh_from_db()
    assert signed.is_revoked and signed.revoked_by == court_eo
    assert signed.revoke_reason == "Retest needed"
    assert signed.statement == "Tests passed."  # the statement itself is untouched
    with pytest.raises(ValidationError, match="already revoked"):
        services.sign_off_revoke(sign_off=signed, by=court_eo, reason="Again")
    # The role may sign again; both signatures stay on record.
    give(onboarding, EO, court_eo, statement="Retest passed.")
    assert SignOff.objects.count() == 2
    assert SignOff.objects.standing().get().statement == "Retest passed."


def test_only_the_signer_or_staff_revoke(onboarding, court_eo, court_lead, staff_user):
    signed = give(onboarding, EO, court_eo)
    with pytest.raises(ValidationError, match="Only its signer or the CCPOR Team"):
        services.sign_off_revoke(sign_off=signed, by=court_lead, reason="No")
    services.sign_off_revoke(sign_off=signed, by=staff_user, reason="Wrong person")
    signed.refresh_from_db()
    assert signed.revoked_by == staff_user


def test_revoking_a_court_signature_revokes_the_teams_too(
    onboarding, court_eo, court_liaison, staff_user
):
    give(onboarding, EO, court_eo)
    so = give(onboarding, SO, court_liaison)
    team = give(onboarding, TEAM, staff_user)
    services.sign_off_revoke(sign_off=so, by=court_liaison, reason="SO retest")
    team.refresh_from_db()
    assert team.is_revoked
    assert team.revoke_reason == (
        "Revoked with the sheriff's office liaison's sign-off: SO retest"
    )
    assert SignOff.objects.standing().get().role == EO


def test_asking_for_a_sign_off_mails_the_person_once(
    onboarding, court_eo, court_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        request = services.sign_off_ask(
            onboarding=onboarding,
            kind=ACCEPTANCE,
            role=EO,
            asked=court_eo,
            by=court_lead,
            message="Please sign by Friday.",
        )
    # Through the notifications outbox, as the person's other notifications.
    assert notifications_send_pending(everything=True)
    [message] = mail.outbox
    assert message.to == [court_eo.email]
    assert "acceptance testing of Court A" in message.body
    assert "Please sign by Friday." in message.body
    assert reverse("golive:sign_offs", kwargs={"slug": "court-a"}) in message.body
    # Sending again sends nothing (each notification is claimed once).
    notifications_send_pending(everything=True)
    assert len(mail.outbox) == 1
    assert request.asked == court_eo
    readiness = live_readiness_for([onboarding])[onboarding.pk]
    assert readiness.sign_offs_asked == 1
    assert "(asked of eo-a)" in next(
        b.message for b in readiness.blockers if "executive officer" in b.message
    )


def test_asking_is_for_staff_and_the_project_lead_and_for_the_role_holder(
    onboarding, court_eo, court_lead, court_liaison, staff_user
):
    with pytest.raises(ValidationError, match="Only the CCPOR Team and the court's"):
        services.sign_off_ask(
            onboarding=onboarding, kind=ACCEPTANCE, role=EO, asked=court_eo,
            by=court_liaison,
        )  # fmt: skip
    with pytest.raises(ValidationError) as info:
        services.sign_off_ask(
            onboarding=onboarding, kind=ACCEPTANCE, role=EO, asked=court_lead,
            by=staff_user,
        )  # fmt: skip
    assert info.value.message_dict == {
        "asked": ["The person chosen is not the court executive officer of Court A."]
    }
    no_mail = UserFactory(username="no-mail", email="")
    MembershipFactory(
        user=no_mail, court=CourtFactory(), role="executive_officer"
    )  # an EO elsewhere
    court_eo.email = ""
    court_eo.save()
    with pytest.raises(ValidationError, match="has no e-mail address"):
        services.sign_off_ask(
            onboarding=onboarding, kind=ACCEPTANCE, role=EO, asked=court_eo,
            by=staff_user,
        )  # fmt: skip
    assert not SignOffRequest.objects.exists()


def test_asking_a_role_that_has_signed_is_refused(onboarding, court_eo, staff_user):
    give(onboarding, EO, court_eo)
    with pytest.raises(ValidationError, match="has already signed"):
        services.sign_off_ask(
            onboarding=onboarding, kind=ACCEPTANCE, role=EO, asked=court_eo,
            by=staff_user,
        )  # fmt: skip


# --- The sign-off page ---------------------------------------------------------------


def page(client, user, court):
    client.force_login(user)
    return client.get(reverse("golive:sign_offs", kwargs={"slug": court.slug}))


def give_form(kind, role, statement):
    prefix = f"give-{kind}-{role}"
    return {
        "line": f"{kind}-{role}",
        f"{prefix}-kind": kind,
        f"{prefix}-role": role,
        f"{prefix}-statement": statement,
    }


def test_the_page_offers_signing_only_to_the_role_holder(
    client, onboarding, court, court_eo, court_lead
):
    html = page(client, court_eo, court).content.decode()
    assert "Sign as court executive officer" in html
    assert "Sign as sheriff" not in html
    html = page(client, court_lead, court).content.decode()
    assert "Sign as" not in html
    assert "Ask by e-mail" in html  # the project lead asks


def test_signing_through_the_page_and_a_refusal_on_it(
    client, onboarding, court, court_eo, court_lead
):
    url = reverse("golive:sign_off_give", kwargs={"slug": court.slug})
    client.force_login(court_lead)
    response = client.post(url, give_form(ACCEPTANCE, EO, "I am not the EO"))
    assert response.status_code == 200
    assert (
        "Only the court executive officer of Court A can give this sign-off."
        in response.content.decode()
    )
    assert not SignOff.objects.exists()
    client.force_login(court_eo)
    response = client.post(url, give_form(ACCEPTANCE, EO, "Acceptance passed."))
    assert response.status_code == 302
    html = page(client, court_eo, court).content.decode()
    assert "Acceptance passed." in html and "Revoke this sign-off" in html


def test_revoking_through_the_page(client, onboarding, court, court_eo):
    signed = give(onboarding, EO, court_eo)
    client.force_login(court_eo)
    url = reverse(
        "golive:sign_off_revoke", kwargs={"slug": court.slug, "pk": signed.pk}
    )
    response = client.post(url, {f"revoke-{signed.pk}-reason": ""})
    assert response.status_code == 200 and "This field is required." in (
        response.content.decode()
    )
    response = client.post(url, {f"revoke-{signed.pk}-reason": "Wrong build tested"})
    assert response.status_code == 302
    html = page(client, court_eo, court).content.decode()
    assert "revoked" in html and "Wrong build tested" in html


def test_another_courts_sign_off_is_not_found(
    client, onboarding, court_eo, other_court, other_lead, start
):
    signed = give(onboarding, EO, court_eo)
    start(other_court)
    client.force_login(other_lead)
    url = reverse(
        "golive:sign_off_revoke", kwargs={"slug": other_court.slug, "pk": signed.pk}
    )
    assert client.post(url, {f"revoke-{signed.pk}-reason": "x"}).status_code == 404

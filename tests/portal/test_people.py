"""The people around a court's checklist: its contacts, "What changed" since a
person's last visit, and inviting people (end to end, through the one-time link)."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from checklists import services
from collaboration import services as collaboration_services
from courts.models import Membership
from notifications.models import Kind, Notification
from tests.conftest import TODAY
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def court_page(client, user, slug="court-a"):
    client.force_login(user)
    return client.get(reverse("portal:court", kwargs={"slug": slug}))


# --- Contacts -----------------------------------------------------------------------


def contacts_section(html: str) -> str:
    start = html.index('id="contacts"')
    return html[start : html.index("</section>", start)]


def contact_cards(html: str) -> list[str]:
    """Each contact card's text, spaces tidied."""
    cards = re.findall(r'<li class="col">(.*?)</li>', contacts_section(html), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cards]


def test_the_court_page_lists_its_contacts_for_members_and_staff(
    client, start, court, court_lead, staff_user, settings, frozen_today
):
    start(court)
    court_lead.first_name, court_lead.last_name = "Alex", "Alvarez"
    court_lead.phone = "(510) 555-0142"
    court_lead.save()
    MembershipFactory(
        court=court,
        organisation="so",
        role="liaison",
        user__username="sam",
        user__first_name="Sam",
        user__last_name="Santos",
    )
    staff_user.phone = "(415) 555-0100"
    staff_user.save()
    MembershipFactory(court=court, user__username="gone", user__is_active=False)

    for viewer, you in ((court_lead, 0), (staff_user, 3)):
        html = court_page(client, viewer).content.decode()
        cards = contact_cards(html)
        assert cards[0].startswith("Alex Alvarez")
        assert "Court · Project lead lead-a@example.org (510) 555-0142" in cards[0]
        assert cards[1].replace("&#x27;", "'") == (
            "Sam Santos Sheriff's Office · Liaison sam@example.org"
        )
        assert cards[2] == (
            f"CCPOR Team (shared mailbox) CCPOR Team · Team mailbox "
            f"{settings.CCPOR_TEAM_EMAIL}"
        )
        assert cards[3].startswith("staff")
        assert "CCPOR Team · CCPOR staff staff@example.org (415) 555-0100" in cards[3]
        assert "(you)" in cards[you]
        assert "gone@example.org" not in contacts_section(html)
        assert 'href="tel:5105550142">(510) 555-0142</a>' in contacts_section(html)


def test_contacts_show_even_before_the_onboarding_starts(client, court, court_lead):
    assert "lead-a@example.org" in contacts_section(
        court_page(client, court_lead).content.decode()
    )


def test_only_ccpor_staff_are_offered_to_invite(
    client, start, court, court_lead, staff_user, frozen_today
):
    start(court)
    invite = reverse("portal:invite", kwargs={"slug": "court-a"})
    assert invite not in court_page(client, court_lead).content.decode()
    assert invite in court_page(client, staff_user).content.decode()


def test_the_profile_sets_the_phone_shown_to_the_court(client, court, court_lead):
    client.force_login(court_lead)
    client.post(
        reverse("portal:profile"),
        {"phone": "  (510)  555-0199 ", "weekly_digest": "on"},
    )
    court_lead.refresh_from_db()
    assert court_lead.phone == "(510) 555-0199"


# --- What changed since the last visit ------------------------------------------


T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def started(start, court):
    """Court A's onboarding, started the day before the visits below."""
    with freeze_time(T0 - datetime.timedelta(days=1)):
        return start(court)


def test_what_changed_lists_what_others_did_since_the_last_visit(
    client, started, court, court_lead, staff_user
):
    onboarding, first = started, T0
    with freeze_time(first):
        html = court_page(client, court_lead).content.decode()
        assert "Your first visit" in html
    with freeze_time(first + datetime.timedelta(hours=2)):
        it = onboarding.items.get(order=11)
        services.item_set_status(
            item=it,
            status="blocked",
            by=staff_user,
            expected_version=it.version,
            reason="Firewall change pending.",
        )
        mine = onboarding.items.get(order=13)
        services.item_set_status(
            item=mine,
            status="in_progress",
            by=court_lead,
            expected_version=mine.version,
        )
        collaboration_services.comment_add(
            item=it, body="Chasing the county.", by=staff_user
        )
        services.onboarding_reschedule(
            onboarding=onboarding,
            go_live_date=onboarding.go_live_date + datetime.timedelta(days=7),
            reason="Circuit delayed.",
            by=staff_user,
            today=TODAY,
        )
    with freeze_time(first + datetime.timedelta(days=1)):
        response = court_page(client, court_lead)
    changes = response.context["changes"]
    assert changes.since == first
    assert [m.reason for m in changes.go_live_changes] == ["Circuit delayed."]
    # Two changes by others (the block, the comment); not mine, and not the 30+
    # due dates the Go-Live move shifted (that is one change, listed above).
    assert len(changes.activities) == 2
    html = response.content.decode()
    section = html[html.index('id="what-changed-heading"') :]
    section = section[: section.index("</section>")]
    assert "3 changes by others" in section
    assert "Go-Live moved" in section and "Circuit delayed." in section
    assert "blocked: Firewall change pending." in section
    assert "commented: Chasing the county." in section
    assert "13." not in section


def test_reloading_keeps_the_same_list_and_a_later_visit_starts_afresh(
    client, started, court, court_lead, staff_user
):
    onboarding, t0 = started, T0
    with freeze_time(t0):
        court_page(client, court_lead)
    with freeze_time(t0 + datetime.timedelta(hours=1)):
        collaboration_services.comment_add(
            item=onboarding.items.get(order=11), body="New.", by=staff_user
        )
    with freeze_time(t0 + datetime.timedelta(hours=3)):
        assert court_page(client, court_lead).context["changes"].count == 1
    with freeze_time(t0 + datetime.timedelta(hours=3, minutes=10)):
        assert court_page(client, court_lead).context["changes"].count == 1
    with freeze_time(t0 + datetime.timedelta(days=2)):
        assert court_page(client, court_lead).context["changes"].count == 0


def test_what_changed_hides_internal_items_from_members(
    client, started, court, court_lead, staff_user
):
    onboarding, t0 = started, T0
    with freeze_time(t0):
        court_page(client, court_lead)
    with freeze_time(t0 + datetime.timedelta(hours=1)):
        collaboration_services.comment_add(
            item=onboarding.items.get(order=23), body="Internal note.", by=staff_user
        )
    with freeze_time(t0 + datetime.timedelta(days=1)):
        assert court_page(client, court_lead).context["changes"].count == 0


# --- Inviting people ------------------------------------------------------------


INVITE = {
    "email": "Pat.Lee@Alameda.Courts.ca.gov",
    "first_name": "Pat",
    "last_name": "Lee",
    "organisation": "court",
    "role": "it_contact",
}


def invite(client, staff_user, **changes):
    client.force_login(staff_user)
    return client.post(
        reverse("portal:invite", kwargs={"slug": "court-a"}),
        {**INVITE, **changes},
        follow=True,
    )


def test_an_invitation_end_to_end_through_the_set_password_link(
    client, court, staff_user, send_now
):
    response = invite(client, staff_user)

    # The account and the membership exist at once.
    user = get_user_model().objects.get(email__iexact=INVITE["email"])
    assert (user.username, user.get_full_name()) == ("pat.lee", "Pat Lee")
    membership = Membership.objects.get(user=user, court=court)
    assert (membership.organisation, membership.role) == ("court", "it_contact")
    assert "e-mailed a link to set their password" in response.content.decode()
    assert response.redirect_chain[-1][0] == court.get_absolute_url() + "#contacts"

    # The invitation is mailed at once, whatever the person's choices.
    row = Notification.objects.get(kind=Kind.INVITATION)
    assert row.delivery == "immediate" and row.recipient == user
    send_now()
    message = mail.outbox[-1]
    assert message.to == [INVITE["email"]]
    assert message.subject.startswith("CCPOR: You are invited to")
    assert "Your user name: pat.lee" in message.body
    link = re.search(r"https://ccpor-onboard\.test(/accounts/reset/\S+/)", message.body)
    assert link, message.body

    # The person follows the link and sets a password (Django's reset machinery),
    # on a page written for someone new: their first password, nothing of the
    # tokens and sessions a new password ends for someone who had one.
    client.logout()
    page = client.get(link[1], follow=True)
    html = page.content.decode()
    assert "Welcome to CCPOR Onboard" in html
    assert "Choose the password you will sign in with" in html
    assert "<strong>pat.lee</strong>" in html and INVITE["email"] in html
    assert "new password" not in html.lower()
    set_url = page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {
            "new_password1": "a long new passphrase",
            "new_password2": "a long new passphrase",
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    html = done.content.decode()
    assert "Your password is set" in html
    assert "token" not in html and "signed out" not in html
    assert "Sign in with your username or your e-mail address" in html
    # They sign in with the address they were invited at.
    signed_in = client.post(
        reverse("login"),
        {"username": INVITE["email"].upper(), "password": "a long new passphrase"},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == court.get_absolute_url()

    # The link works once.
    client.logout()
    again = client.get(link[1], follow=True)
    assert "This link no longer works" in again.content.decode()


def test_an_existing_account_just_gets_the_membership(
    client, court, other_court, staff_user, send_now
):
    existing = MembershipFactory(
        court=other_court,
        user__username="roving",
        user__email="pat.lee@alameda.courts.ca.gov",
    ).user
    password = existing.password
    response = invite(client, staff_user)
    assert "already had an account" in response.content.decode()
    assert get_user_model().objects.filter(email__iexact=INVITE["email"]).count() == 1
    assert Membership.objects.filter(user=existing).count() == 2
    existing.refresh_from_db()
    assert existing.password == password  # untouched
    send_now()
    body = mail.outbox[-1].body
    assert "/accounts/reset/" not in body
    assert "Sign in as roving" in body
    assert "https://ccpor-onboard.test/courts/court-a/" in body


def test_inviting_a_member_twice_is_refused(client, court, staff_user):
    invite(client, staff_user)
    response = invite(client, staff_user, role="viewer")
    assert response.status_code == 200
    assert "is already a member of" in response.content.decode()
    assert Membership.objects.filter(court=court).count() == 1


def test_the_invite_form_checks_its_fields(client, court, staff_user):
    response = invite(client, staff_user, email="not-an-address", role="boss")
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "Select a valid choice" in html
    assert not Membership.objects.exists()


def test_the_invitation_is_for_the_active_account_of_the_address(
    client, court, staff_user
):
    UserFactory(username="retired", email=INVITE["email"].lower(), is_active=False)
    active = UserFactory(username="current", email=INVITE["email"].upper())
    invite(client, staff_user)
    assert Membership.objects.get(court=court).user == active


def test_an_address_only_a_deactivated_account_has_is_refused(
    client, court, staff_user
):
    UserFactory(username="retired", email=INVITE["email"].lower(), is_active=False)
    response = invite(client, staff_user)
    assert response.status_code == 200
    assert (
        "This address belongs to a deactivated account (retired)"
        in response.content.decode()
    )
    assert not Membership.objects.filter(court=court).exists()
    assert get_user_model().objects.filter(email__iexact=INVITE["email"]).count() == 1


def test_an_invited_person_can_reset_once_the_link_has_expired(
    client, court, staff_user, send_now
):
    """ "Forgotten your password?" ignores accounts without a usable password: the
    invited account has a random one, so it is not left stranded."""
    invite(client, staff_user)
    client.logout()
    mail.outbox.clear()
    client.post(reverse("password_reset"), {"email": INVITE["email"]})
    assert [m.to for m in mail.outbox] == [[INVITE["email"]]]


def test_members_cannot_invite(client, court, court_lead):
    client.force_login(court_lead)
    response = client.post(reverse("portal:invite", kwargs={"slug": "court-a"}), INVITE)
    assert response.status_code == 403
    assert not get_user_model().objects.filter(email__iexact=INVITE["email"]).exists()

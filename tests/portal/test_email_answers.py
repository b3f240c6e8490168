"""One-click answers from e-mail: the links the reminder and notification mails give
an item's owner, and the confirmation page they open (notifications.answer_links,
portal.views.email_answers)."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from checklists import services as checklist_services
from checklists.models import ChecklistItem
from notifications.answer_links import answer_urls
from notifications.models import AnswerLinkUse
from notifications.services import notifications_send_pending
from reminders.services import reminders_send_due
from tests.factories import MembershipFactory, evidence_bytes

pytestmark = pytest.mark.django_db

ANSWER_LINK = re.compile(r"https://ccpor-onboard\.test(/answer/[^/\s\"]+/)")


def own(item, owner, by):
    return checklist_services.item_set_owner(
        item=item, owner=owner, by=by, expected_version=item.version
    )


def court_items(onboarding, **filters):
    return onboarding.items.filter(actor="court", status="not_started", **filters)


@pytest.fixture
def onboarding(court, start):
    return start(court, go_live_in=55)


@pytest.fixture
def owned(onboarding, court_lead, staff_user):
    """The court lead's own item (due first, so that every reminder lists it)."""
    item = court_items(onboarding, evidence_required=False).order_by("due_date")[0]
    return own(item, court_lead, staff_user)


def links_in(text: str) -> list[str]:
    return ANSWER_LINK.findall(text)


def test_the_reminder_gives_the_owner_a_mail_of_their_own_with_links(
    court, onboarding, owned, court_lead, staff_user, settings, today
):
    liaison = MembershipFactory(
        court=court, organisation="so", role="liaison", user__username="so-a"
    ).user

    reminders_send_due(today=today)

    [personal] = [m for m in mail.outbox if m.to == [court_lead.email]]
    assert personal.cc == []
    links = links_in(personal.body)
    assert len(links) == 3 and len(set(links)) == 3
    assert links_in(personal.alternatives[0][0]) == links
    assert "work for you only, once each, for 7 days" in personal.body
    [shared] = [m for m in mail.outbox if m is not personal]
    assert shared.to == [liaison.email]  # no items of their own: no links
    assert shared.cc == [settings.CCPOR_TEAM_EMAIL]  # the team keeps its copy
    assert links_in(shared.body) == []


@pytest.fixture
def blocked_link(owned, court_lead):
    return answer_urls(user=court_lead, item_id=owned.pk)["blocked"]


def test_a_link_works_for_its_person_once_through_the_item_service(
    client, owned, court_lead, staff_user, other_lead, blocked_link
):
    path = blocked_link.removeprefix("https://ccpor-onboard.test")
    page = client.get(path)
    assert page.status_code == 200
    assert "Answering as" in page.content.decode()
    assert "_auth_user_id" not in client.session  # nobody is signed in by it

    someone_else = Client()
    someone_else.force_login(other_lead)
    assert someone_else.get(path).status_code == 403

    # The service's refusal: a reason is needed. The link still works.
    data = {"expected_version": owned.version, "reason": ""}
    assert "This field is required" in client.post(path, data).content.decode()
    assert not AnswerLinkUse.objects.exists()

    data["reason"] = "Waiting for the county's firewall change."
    done = client.post(path, data)
    assert "is now blocked" in done.content.decode()
    owned.refresh_from_db()
    assert (owned.status, owned.blocked_reason, owned.updated_by) == (
        "blocked",
        "Waiting for the county's firewall change.",
        court_lead,
    )
    assert owned.history.first().history_change_reason == (
        "Answered from an e-mail link"
    )

    again = client.get(path)
    assert again["Location"].startswith("/accounts/login/?next=")
    assert "already been used" in client.get(again["Location"]).content.decode()
    assert client.post(path, data)["Location"].startswith("/accounts/login/")


def test_an_expired_or_altered_link_falls_back_to_sign_in(client, blocked_link):
    path = blocked_link.removeprefix("https://ccpor-onboard.test")
    with freeze_time(timezone.now() + datetime.timedelta(days=8)):
        expired = client.get(path)
    assert expired["Location"].startswith("/accounts/login/")
    assert "has expired" in client.get(expired["Location"]).content.decode()
    altered = client.get(path[:-6] + "xxxxx/")
    assert altered["Location"].startswith("/accounts/login/")


def test_an_item_that_needs_evidence_asks_for_it_on_the_page(
    client, onboarding, court_lead, staff_user, evidence_storage
):
    item = court_items(onboarding, evidence_required=True)[0]
    item = own(item, court_lead, staff_user)
    path = answer_urls(user=court_lead, item_id=item.pk)["done"].removeprefix(
        "https://ccpor-onboard.test"
    )
    assert 'type="file"' in client.get(path).content.decode()

    without = client.post(path, {"expected_version": item.version})
    assert "This field is required" in without.content.decode()
    item.refresh_from_db()
    assert item.status == "not_started" and not AnswerLinkUse.objects.exists()

    upload = SimpleUploadedFile("letter.pdf", evidence_bytes("pdf"))
    client.post(path, {"expected_version": item.version, "file": upload})
    item.refresh_from_db()
    assert item.status == ChecklistItem.Status.DONE
    assert item.evidence.get().original_name == "letter.pdf"


def test_notifications_carry_links_for_the_owner_never_for_staff(
    client, owned, court_lead, staff_user, settings
):
    checklist_services.item_set_status(
        item=owned,
        status="blocked",
        reason="No scanner yet.",
        by=staff_user,
        expected_version=owned.version,
    )
    notifications_send_pending(everything=True)

    # One mail: "assigned you" and "is blocked", each with its three links.
    [lead_mail] = [m for m in mail.outbox if m.to == [court_lead.email]]
    assert len(set(links_in(lead_mail.body))) == 6
    [team_mail] = [m for m in mail.outbox if m.to == [settings.CCPOR_TEAM_EMAIL]]
    assert links_in(team_mail.body) == []

    # A link made for a staff member anyway (say, one who became staff since the
    # mail) does nothing but send them to sign in.
    owned.refresh_from_db()
    staff_link = answer_urls(user=staff_user, item_id=owned.pk)["note"]
    response = client.get(staff_link.removeprefix("https://ccpor-onboard.test"))
    assert response["Location"].startswith("/accounts/login/")

"""What the checklist's changes tell people, on every path: who gets each mail."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from checklists import services
from checklists.models import ChecklistItem
from collaboration import services as collaboration_services
from notifications.models import Delivery, Kind, Notification
from notifications.services import notification_preferences_set
from tests.conftest import TODAY
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TEAM = "ccpor-team@example.org"


@pytest.fixture(autouse=True)
def _team_mailbox(settings):
    settings.CCPOR_TEAM_EMAIL = TEAM


@pytest.fixture
def onboarding(start, court):
    return start(court)


@pytest.fixture
def cast(court, court_lead, court_liaison, staff_user):
    """Court A's people: its lead, an IT contact, a viewer, the SO liaison, staff."""
    return {
        "lead": court_lead,
        "it": MembershipFactory(
            court=court, user__username="it-a", role="it_contact"
        ).user,
        "viewer": MembershipFactory(
            court=court, user__username="viewer-a", role="viewer"
        ).user,
        "so": court_liaison,
        "staff": staff_user,
    }


def item(onboarding, order) -> ChecklistItem:
    return onboarding.items.get(order=order)


def owned(onboarding, order, owner, by) -> ChecklistItem:
    it = item(onboarding, order)
    return services.item_set_owner(
        item=it, owner=owner, by=by, expected_version=it.version
    )


def sent_to(send_now) -> dict[str, str]:
    """Send what is pending; {address: the mail's body}."""
    mail.outbox.clear()
    send_now()
    return {m.to[0]: m.body for m in mail.outbox}


def kinds() -> set[tuple[str, str]]:
    return set(Notification.objects.values_list("address", "kind"))


# --- Comments and mentions ------------------------------------------------------


def test_a_comment_tells_the_items_owner(onboarding, cast, send_now):
    it = owned(onboarding, 11, cast["it"], by=cast["lead"])
    sent_to(send_now)  # the assignment

    collaboration_services.comment_add(
        item=it, body="Circuit ordered.", by=cast["lead"]
    )

    mails = sent_to(send_now)
    assert list(mails) == ["it-a@example.org"]
    assert "lead-a commented on “11. CCTC connectivity requested" in mails[
        "it-a@example.org"
    ].replace("\n", " ")
    assert "Circuit ordered." in mails["it-a@example.org"]
    url = "https://ccpor-onboard.test" + reverse(
        "checklists:item_detail", kwargs={"slug": "court-a", "pk": it.pk}
    )
    assert url in mails["it-a@example.org"]


def test_the_owner_is_not_told_of_their_own_comment(onboarding, cast, send_now):
    it = owned(onboarding, 11, cast["it"], by=cast["lead"])
    sent_to(send_now)
    collaboration_services.comment_add(item=it, body="Done on my side.", by=cast["it"])
    assert sent_to(send_now) == {}


def test_a_comment_on_an_item_without_owner_tells_nobody(onboarding, cast, send_now):
    collaboration_services.comment_add(
        item=item(onboarding, 11), body="Hello", by=cast["lead"]
    )
    assert sent_to(send_now) == {}


def test_at_username_tells_that_person(onboarding, cast, send_now):
    collaboration_services.comment_add(
        item=item(onboarding, 11), body="@so-a can you confirm?", by=cast["lead"]
    )
    assert ("so-a@example.org", Kind.MENTION) in kinds()
    mails = sent_to(send_now)
    assert list(mails) == ["so-a@example.org"]
    assert "mentioned you on" in mails["so-a@example.org"]


def test_at_ccpor_reaches_the_team_mailbox(onboarding, cast, send_now):
    """The issue's case: "@CCPOR team: roster attached" told nobody."""
    collaboration_services.comment_add(
        item=item(onboarding, 21), body="@CCPOR team: roster attached", by=cast["lead"]
    )
    mails = sent_to(send_now)
    assert list(mails) == [TEAM]
    assert "lead-a mentioned the CCPOR Team on" in mails[TEAM]
    assert "roster attached" in mails[TEAM]


def test_an_owner_who_is_mentioned_is_told_once(onboarding, cast, send_now):
    it = owned(onboarding, 11, cast["it"], by=cast["lead"])
    sent_to(send_now)
    collaboration_services.comment_add(item=it, body="@it-a see above", by=cast["lead"])
    assert list(
        Notification.objects.filter(kind__in=["comment", "mention"]).values_list(
            "kind", flat=True
        )
    ) == [Kind.MENTION]


def test_mentioning_someone_from_another_court_tells_them_nothing(
    onboarding, cast, other_lead, send_now
):
    collaboration_services.comment_add(
        item=item(onboarding, 11), body="@lead-b how did you do it?", by=cast["lead"]
    )
    assert sent_to(send_now) == {}


def test_no_mail_to_court_members_about_an_internal_only_item(
    onboarding, cast, send_now
):
    internal = item(onboarding, 23)  # CCPOR Team internal task
    assert internal.internal_only
    collaboration_services.comment_add(
        item=internal, body="@lead-a @so-a @staff profiles done", by=cast["staff"]
    )
    staff_two = UserFactory(username="staff2", ccpor_staff=True)
    collaboration_services.comment_add(
        item=internal, body="@staff2 @lead-a check", by=cast["staff"]
    )
    mails = sent_to(send_now)
    assert list(mails) == [staff_two.email]


# --- Blocked and reopened -------------------------------------------------------


def test_blocked_tells_the_owner_and_the_court_lead_with_the_team_in_copy(
    onboarding, cast, send_now
):
    it = owned(onboarding, 11, cast["it"], by=cast["lead"])
    sent_to(send_now)

    services.item_set_status(
        item=it,
        status="blocked",
        by=cast["staff"],
        expected_version=it.version,
        reason="Firewall change pending with the county.",
    )

    mails = sent_to(send_now)
    assert sorted(mails) == [TEAM, "it-a@example.org", "lead-a@example.org"]
    for body in mails.values():
        assert "is blocked" in body
        assert "Blocked because: Firewall change pending with the county." in body


def test_the_lead_who_blocks_is_not_told_but_the_owner_is(onboarding, cast, send_now):
    it = owned(onboarding, 11, cast["it"], by=cast["lead"])
    sent_to(send_now)
    services.item_set_status(
        item=it,
        status="blocked",
        by=cast["lead"],
        expected_version=it.version,
        reason="Waiting.",
    )
    assert sorted(sent_to(send_now)) == [TEAM, "it-a@example.org"]


def test_staying_blocked_or_other_changes_tell_nobody(onboarding, cast, send_now):
    it = item(onboarding, 11)
    it = services.item_set_status(
        item=it, status="in_progress", by=cast["lead"], expected_version=it.version
    )
    assert sent_to(send_now) == {}
    it = services.item_set_status(
        item=it,
        status="blocked",
        by=cast["lead"],
        expected_version=it.version,
        reason="A",
    )
    sent_to(send_now)
    services.item_set_status(
        item=it,
        status="blocked",
        by=cast["staff"],
        expected_version=it.version,
        reason="B",
    )
    assert sent_to(send_now) == {}


def test_reopening_tells_the_owner_and_lead_with_the_reason(onboarding, cast, send_now):
    it = owned(onboarding, 11, cast["it"], by=cast["lead"])
    it = services.item_set_status(
        item=it, status="done", by=cast["it"], expected_version=it.version
    )
    sent_to(send_now)

    services.item_reopen(
        item=it,
        by=cast["staff"],
        expected_version=it.version,
        reason="Letter unsigned.",
    )

    mails = sent_to(send_now)
    assert sorted(mails) == [TEAM, "it-a@example.org", "lead-a@example.org"]
    assert "was reopened by staff" in mails["it-a@example.org"]
    assert "Why: Letter unsigned." in mails["it-a@example.org"]
    # The reason is also posted as a comment, without a second mail for it.
    assert Notification.objects.filter(kind=Kind.COMMENT).count() == 0


def test_setting_a_finished_item_back_to_open_is_a_reopening(
    onboarding, cast, send_now
):
    it = item(onboarding, 11)
    it = services.item_set_status(
        item=it, status="done", by=cast["lead"], expected_version=it.version
    )
    services.item_set_status(
        item=it,
        status="in_progress",
        by=cast["staff"],
        expected_version=it.version,
        note="The circuit failed its test.",
    )
    assert kinds() == {
        ("lead-a@example.org", Kind.ITEM_REOPENED),
        (TEAM, Kind.ITEM_REOPENED),
    }


def test_bulk_changes_notify_each_item_in_one_mail_per_person(
    onboarding, cast, send_now
):
    items = [item(onboarding, n) for n in (11, 13, 14)]
    services.items_bulk_set_status(
        items=items,
        status="blocked",
        by=cast["staff"],
        expected_versions={i.pk: i.version for i in items},
        reason="County network freeze.",
    )
    mails = sent_to(send_now)
    assert sorted(mails) == [TEAM, "lead-a@example.org"]
    assert mails["lead-a@example.org"].count("is blocked") == 3


def test_a_blocked_internal_item_tells_only_the_team(onboarding, cast, send_now):
    it = item(onboarding, 23)
    services.item_set_status(
        item=it,
        status="blocked",
        by=cast["staff"],
        expected_version=it.version,
        reason="Staging down.",
    )
    assert sorted(sent_to(send_now)) == [TEAM]


# --- Go-Live moved, owners -------------------------------------------------------


def test_moving_go_live_tells_every_member_of_the_court(onboarding, cast, send_now):
    services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=onboarding.go_live_date + datetime.timedelta(days=14),
        reason="Circuit delayed.",
        by=cast["staff"],
        today=TODAY,
    )
    mails = sent_to(send_now)
    assert sorted(mails) == [
        "it-a@example.org",
        "lead-a@example.org",
        "so-a@example.org",
        "viewer-a@example.org",
    ]
    body = mails["viewer-a@example.org"]
    assert "Go-Live moved to" in body and "Why: Circuit delayed." in body


def test_naming_an_owner_tells_them(onboarding, cast, send_now):
    owned(onboarding, 11, cast["it"], by=cast["lead"])
    mails = sent_to(send_now)
    assert list(mails) == ["it-a@example.org"]
    assert "lead-a assigned you “11. CCTC connectivity requested" in mails[
        "it-a@example.org"
    ].replace("\n", " ")


def test_a_person_who_chose_never_is_not_told(onboarding, cast, send_now):
    notification_preferences_set(
        user=cast["viewer"], choices={Kind.GO_LIVE_MOVED: Delivery.NEVER}
    )
    services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=onboarding.go_live_date + datetime.timedelta(days=7),
        reason="x",
        by=cast["staff"],
        today=TODAY,
    )
    assert "viewer-a@example.org" not in sent_to(send_now)


# --- Through the pages and the admin ---------------------------------------------


def test_a_comment_posted_on_the_page_notifies(client, onboarding, cast, send_now):
    it = item(onboarding, 11)
    client.force_login(cast["lead"])
    client.post(
        reverse("checklists:comment_add", kwargs={"slug": "court-a", "pk": it.pk}),
        {"body": "@it-a and @ccpor: please look"},
    )
    assert sorted(sent_to(send_now)) == [TEAM, "it-a@example.org"]


def test_the_admin_naming_an_owner_goes_through_the_rule_and_notifies(
    client, onboarding, cast, superuser, send_now
):
    it = item(onboarding, 11)
    client.force_login(superuser)
    url = reverse("admin:checklists_checklistitem_change", args=[it.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(
        due_date=it.due_date.isoformat(),
        depends_on=[],
        owner=cast["so"].pk,
        expected_version=it.version,
    )
    refused = client.post(url, data)
    assert refused.status_code == 200  # an SO member cannot own a Court item
    assert "only they may own the item" in refused.content.decode()

    data["owner"] = cast["it"].pk
    assert client.post(url, data).status_code == 302
    it.refresh_from_db()
    assert it.owner == cast["it"]
    assert list(sent_to(send_now)) == ["it-a@example.org"]


def test_editing_a_comment_tells_only_the_people_it_newly_mentions(
    onboarding, cast, send_now
):
    it = owned(onboarding, 11, cast["it"], by=cast["lead"])
    comment = collaboration_services.comment_add(
        item=it, body="@so-a please check", by=cast["lead"]
    )
    sent_to(send_now)

    collaboration_services.comment_edit(
        comment=comment, body="@so-a and @viewer-a please check", by=cast["lead"]
    )

    mails = sent_to(send_now)
    # The viewer is new; the liaison was told already; the owner was told of the
    # comment when it was posted.
    assert list(mails) == ["viewer-a@example.org"]
    assert "mentioned you on" in mails["viewer-a@example.org"]

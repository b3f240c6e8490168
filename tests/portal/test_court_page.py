"""The court page: header, checklist by phase with the guide's marks, filters,
internal-only items, activity feed, and a query count that does not grow."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from checklists import services
from checklists.models import ChecklistItem
from checklists.presenters import describe_activity
from collaboration import services as collaboration_services
from notifications.services import court_visit_record
from tests.conftest import TODAY
from tests.factories import (
    MembershipFactory,
    TemplateFactory,
    TemplateItemFactory,
    attach_evidence,
    days,
)

pytestmark = pytest.mark.django_db


def page(client, user, court, **params):
    client.force_login(user)
    return client.get(reverse("portal:court", kwargs={"slug": court.slug}), params)


def shown_orders(response) -> list[int]:
    return [i.order for i in response.context["items"]]


def test_header_shows_go_live_days_to_go_next_mark_progress_and_health(
    client, start, court, court_lead, frozen_today
):
    onboarding = start(court, go_live_in=45)
    html = page(client, court_lead, court).content.decode()
    go_live = TODAY + days(45)
    assert go_live.strftime("%a, %b %-d, %Y") in html
    assert "45 days" in html
    # 60 days before Go-Live has passed; the next mark is 30 days before Go-Live.
    assert "30-day on " + (go_live - days(30)).strftime("%b %-d") in html
    assert 'aria-label="Overall progress"' in html
    # Items due 105 days and more before Go-Live are 60+ days overdue: late.
    assert onboarding.items.filter(due_date__lt=TODAY - days(14)).exists()
    assert "health-late" in html and ">Late<" in html
    assert "How health is decided" in html


def test_health_badge_follows_the_selectors_rule(
    client, start, court, court_lead, frozen_today
):
    start(court, go_live_in=200)  # nothing due yet
    response = page(client, court_lead, court)
    assert response.context["onboarding"].state.health == "on_track"
    assert "health-on_track" in response.content.decode()
    assert ">On track<" in response.content.decode()


def test_overdue_items_stand_out(client, start, court, court_lead, frozen_today):
    start(court, go_live_in=100)  # item 1 (due -150) and others are overdue
    response = page(client, court_lead, court)
    html = response.content.decode()
    first = next(i for i in response.context["items"] if i.order == 1)
    assert first.is_overdue
    row = re.search(rf'<tr id="item-row-{first.pk}" class="([^"]*)"', html)
    assert "item-overdue" in row.group(1)
    assert "Overdue</span>" in html


def test_checklist_is_grouped_by_phase_each_with_progress(
    client, start, court, court_lead, frozen_today
):
    onboarding = start(court)
    first = onboarding.items.get(order=4)
    attach_evidence(first, by=court_lead)  # evidence required
    services.item_set_status(
        item=first, status="done", by=court_lead, expected_version=1
    )
    response = page(client, court_lead, court)
    sections = response.context["sections"]
    assert [s.phase.name for s in sections] == [
        "Planning",
        "Scope",
        "Implement",
        "Go-Live",
    ]
    planning = sections[0]
    assert (planning.progress.finished, planning.progress.total) == (1, 4)
    planning_orders = [row.order for kind, row in planning.rows if kind == "item"]
    assert sorted(planning_orders) == [1, 2, 3, 4]
    html = response.content.decode()
    assert 'aria-label="Progress of Planning"' in html
    assert "1 of 4 finished" in html


def test_marks_fall_where_their_dates_do(
    client, start, court, court_lead, frozen_today
):
    onboarding = start(court, go_live_in=90)
    go_live = onboarding.go_live_date
    response = page(client, court_lead, court)
    flat = [
        (kind, row)
        for section in response.context["sections"]
        for kind, row in section.rows
    ]
    marks = [(i, row) for i, (kind, row) in enumerate(flat) if kind == "mark"]
    assert [m.name for _, m in marks] == ["60-day", "30-day", "Go-Live"]
    for index, mark in marks:
        before = [row for kind, row in flat[:index] if kind == "item"]
        after = [row for kind, row in flat[index + 1 :] if kind == "item"]
        assert all(i.due_date <= mark.date for i in before)
        assert all(i.due_date > mark.date for i in after)
    assert marks[2][1].date == go_live
    # The 60-day mark comes right after the items due 60 days before Go-Live.
    i60 = marks[0][0]
    assert flat[i60 - 1][1].due_date == go_live - days(60)
    assert "60-day mark</strong>" in response.content.decode()


def test_each_item_shows_title_actor_kind_due_status_last_change_and_evidence_count(
    client, start, court, court_lead, frozen_today, evidence_storage
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import evidence_bytes

    onboarding = start(court)
    item = onboarding.items.get(order=11)
    services.item_set_status(
        item=item, status="in_progress", by=court_lead, expected_version=1
    )
    for n in range(2):
        collaboration_services.evidence_upload(
            item=item,
            file=SimpleUploadedFile(f"f{n}.pdf", evidence_bytes("pdf")),
            by=court_lead,
        )
    response = page(client, court_lead, court)
    row = next(i for i in response.context["items"] if i.pk == item.pk)
    assert row.evidence_count == 2
    assert row.updated_by == court_lead
    html = response.content.decode()
    chunk = html[html.index(f'id="item-row-{item.pk}"') :]
    chunk = chunk[: chunk.index("</tr>")]
    assert item.title in chunk
    assert "Court" in chunk and "Court activity" in chunk
    assert item.due_date.strftime("%b %-d, %Y") in chunk
    assert 'value="in_progress" selected' in chunk
    assert "lead-a" in chunk
    assert ">2</a>" in chunk


def test_internal_only_items_are_never_shown_to_members(
    client, start, court, court_lead, court_liaison, staff_user, frozen_today
):
    onboarding = start(court)
    internal = onboarding.items.get(order=23)
    assert internal.internal_only
    services.item_set_status(
        item=internal, status="in_progress", by=staff_user, expected_version=1
    )
    for member in (court_lead, court_liaison):
        response = page(client, member, court)
        assert 23 not in shown_orders(response)
        assert internal.title not in response.content.decode()
        assert all(a.item_pk != internal.pk for a in response.context["feed"])
        # Progress counts only what the member sees.
        assert response.context["onboarding"].state.progress.total == 35
    response = page(client, staff_user, court)
    assert 23 in shown_orders(response)
    assert response.context["onboarding"].state.progress.total == 36


def test_filter_my_organisations_items(
    client, start, court, court_lead, court_liaison, staff_user, frozen_today
):
    start(court)
    court_items = page(client, court_lead, court, mine="on").context["items"]
    assert court_items and {i.actor for i in court_items} == {"court"}
    so_items = page(client, court_liaison, court, mine="on").context["items"]
    assert sorted(i.order for i in so_items) == [8, 19, 20]
    staff_items = page(client, staff_user, court, mine="on").context["items"]
    assert {i.actor for i in staff_items} == {"ccpor"}


def test_filter_open_only_and_overdue_only(
    client, start, court, court_lead, frozen_today
):
    onboarding = start(court, go_live_in=100)
    item4 = onboarding.items.get(order=4)
    attach_evidence(item4, by=court_lead)  # evidence required
    services.item_set_status(
        item=item4, status="done", by=court_lead, expected_version=1
    )
    open_orders = shown_orders(page(client, court_lead, court, open="on"))
    assert 4 not in open_orders and 1 in open_orders
    overdue = page(client, court_lead, court, overdue="on").context["items"]
    assert overdue and all(i.is_open and i.due_date < TODAY for i in overdue)
    assert 4 not in [i.order for i in overdue]
    # Due 100 - 90 = 10 days from now: not overdue.
    assert 11 not in [i.order for i in overdue]


def test_activity_feed_lists_latest_changes_who_what_when(
    client, start, court, court_lead, court_liaison, frozen_today
):
    onboarding = start(court)
    item = onboarding.items.get(order=8)
    services.item_set_status(
        item=item,
        status="blocked",
        by=court_liaison,
        expected_version=1,
        reason="Waiting for the sheriff's sign-off.",
    )
    collaboration_services.comment_add(
        item=item, body="Chasing it today.", by=court_lead
    )
    feed = page(client, court_lead, court).context["feed"]
    assert describe_activity(feed[0]) == "commented: Chasing it today."
    assert feed[0].who == court_lead
    assert feed[1].who == court_liaison
    assert describe_activity(feed[1]).startswith("status Not started → Blocked")
    assert "Waiting for the sheriff's sign-off." in describe_activity(feed[1])
    assert feed[1].item_pk == item.pk
    assert feed[0].when >= feed[1].when


def test_a_court_without_an_onboarding_says_so(client, court, court_lead):
    response = page(client, court_lead, court)
    assert response.status_code == 200
    assert "has not started yet" in response.content.decode()


def test_members_see_no_staff_links_and_staff_do(
    client, start, court, court_lead, staff_user, frozen_today
):
    start(court)
    reschedule = reverse("portal:reschedule", kwargs={"slug": court.slug})
    assert reschedule not in page(client, court_lead, court).content.decode()
    assert reschedule in page(client, staff_user, court).content.decode()


def test_only_updatable_items_have_a_bulk_checkbox_and_a_status_form(
    client, start, court, court_liaison, frozen_today
):
    onboarding = start(court)
    html = page(client, court_liaison, court).content.decode()
    for item in onboarding.items.filter(internal_only=False):
        has_box = f'id="select-{item.pk}"' in html
        has_form = f'id="id_item{item.pk}_status"' in html
        assert has_box == has_form == (item.actor == "so"), item.order


def _onboarding_with(n_items: int, court, staff_user):
    template = TemplateFactory()
    for n in range(n_items):
        TemplateItemFactory(template=template, order=n + 1, offset_days=-n * 3)
    return services.onboarding_start(
        court=court,
        go_live_date=TODAY + days(90),
        court_enters_carpos=True,
        so_participates=True,
        started_by=staff_user,
        template=template,
        today=TODAY,
    )


@pytest.mark.parametrize("n_items", [3, 40])
@pytest.mark.parametrize("returning", [False, True])
def test_court_page_query_count_does_not_grow_with_items(
    client,
    django_assert_num_queries,
    court,
    court_lead,
    staff_user,
    frozen_today,
    n_items,
    returning,
):
    onboarding = _onboarding_with(n_items, court, staff_user)
    for item in onboarding.items.all():
        collaboration_services.comment_add(item=item, body="note", by=court_lead)
    client.force_login(court_lead)
    url = reverse("portal:court", kwargs={"slug": court.slug})
    if returning:
        # A visit the day before: "What changed" lists what others did since.
        court_visit_record(
            user=court_lead, court=court, at=timezone.now() - datetime.timedelta(1)
        )
    # 1 session, 2 user, 3 is the user CCPOR staff (groups), 4 court (access),
    # 5 current onboarding, 6 the court's members and 7 CCPOR staff (contacts),
    # 8 the court's incidents (the Go-Live panel; its lifecycle history is on the
    # readiness page while the onboarding is active), 9 the user's memberships
    # (organisation: "Your next actions", "may update"), 10 the person's last
    # visit, 11 recording this one, 12 items with phase, owner, last editor,
    # evidence and comment counts (the header's counts and phases, "Your next
    # actions", the checklist and the timeline all come from them), 13 the
    # reminder log, the activity feed: 14 history records, 15 latest evidence,
    # 16 latest comments, 17 latest Go-Live moves, 18 the sign-offs asked of the
    # person ("Your next actions"), 19 the onboarding's forecast from pace
    # (planning), 20 the roster's counts; on a return visit, what changed since:
    # 21 Go-Live moves, 22 history, 23 evidence, 24 comments.
    with django_assert_num_queries(24 if returning else 20):
        response = client.get(url)
    assert len(response.context["items"]) == n_items
    assert (response.context["changes"] is not None) is returning
    # Again within a minute: the visit is not written again.
    with django_assert_num_queries(23 if returning else 19):
        again = client.get(url)
    assert again.content.count(b'class="mb-3"') == response.content.count(
        b'class="mb-3"'
    )


def test_more_than_one_court_member_sees_the_same_page(
    client, start, court, frozen_today
):
    """Another project lead of the same court sees the same items."""
    start(court)
    colleague = MembershipFactory(court=court, user__username="it-a", role="it_contact")
    response = page(client, colleague.user, court)
    assert response.status_code == 200
    assert len(response.context["items"]) == 35
    assert ChecklistItem.objects.filter(onboarding__court=court).count() == 36


def test_court_page_shows_the_timeline_of_every_item_even_when_filtered(
    client, start, court, court_lead, frozen_today
):
    start(court)
    response = page(client, court_lead, court, overdue="on")
    html = response.content.decode()
    assert len(response.context["items"]) == 9  # due 95 or more days before Go-Live
    assert len(response.context["timeline_items"]) == 35
    assert "<svg" in html and 'role="img"' in html and "60-day" in html


def test_court_page_shows_the_reminder_log_and_links_to_report_and_calendar(
    client, start, court, court_lead, frozen_today
):
    from reminders.models import ReminderLog

    onboarding = start(court, go_live_in=45)
    ReminderLog.objects.create(
        onboarding=onboarding,
        mark="60-day",
        go_live_date=onboarding.go_live_date,
        status="sent",
        recipients=["lead-a@example.org", "ccpor-team@example.org"],
    )
    html = page(client, court_lead, court).content.decode()
    assert "Reminders" in html and "60-day mark" in html and "2 recipients" in html
    assert reverse("portal:report", args=[court.slug]) in html
    assert f"{reverse('portal:feeds')}?court={court.slug}" in html


def test_the_activity_feed_follows_every_change(
    client, start, court, court_lead, staff_user, frozen_today, evidence_storage
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import evidence_bytes

    onboarding = start(court)
    item = onboarding.items.get(order=11)
    comment = collaboration_services.comment_add(
        item=item, body="First words.", by=court_lead
    )

    def feed_html():
        html = page(client, court_lead, court).content.decode()
        start = html.index('id="activity-heading"')
        return html[start : html.index("</aside>", start)]

    assert "First words." in feed_html()
    assert "First words." in feed_html()
    collaboration_services.comment_edit(
        comment=comment, body="Better words.", by=court_lead
    )
    html = feed_html()
    assert "Better words." in html and "First words." not in html
    evidence = collaboration_services.evidence_upload(
        item=item,
        file=SimpleUploadedFile("roster.pdf", evidence_bytes("pdf")),
        by=court_lead,
    )
    assert "roster.pdf" in feed_html()
    evidence.delete()  # as the admin may, for a file that must not be kept
    assert "roster.pdf" not in feed_html()
    services.item_set_status(
        item=item, status="in_progress", by=court_lead, expected_version=item.version
    )
    assert "Not started → In progress" in feed_html()
    # CCPOR staff see the internal items' activity; members never do.
    internal = onboarding.items.get(order=23)
    services.item_set_status(
        item=internal, status="in_progress", by=staff_user, expected_version=1
    )
    assert internal.title not in feed_html()
    client.force_login(staff_user)
    html = client.get(reverse("portal:court", kwargs={"slug": court.slug}))
    assert internal.title in html.content.decode()


def test_the_header_from_loaded_items_matches_the_counting_query(
    start, court, court_lead, staff_user, frozen_today
):
    """The court page derives the header from its items; the other pages count in
    SQL (onboardings_with_status): the two agree, for members and staff."""
    from checklists.selectors import (
        court_page_items,
        onboarding_with_status_from_items,
        onboardings_with_status,
    )

    onboarding = start(court, go_live_in=45)
    services.item_set_status(
        item=onboarding.items.get(order=11),
        status="blocked",
        by=court_lead,
        expected_version=1,
        reason="Waiting for the circuit.",
    )
    attach_evidence(item4 := onboarding.items.get(order=4), by=court_lead)
    services.item_set_status(
        item=item4, status="done", by=court_lead, expected_version=1
    )
    for user, internal in ((court_lead, False), (staff_user, True)):
        items = court_page_items(user, onboarding, today=TODAY)
        from_items = onboarding_with_status_from_items(
            onboarding, items, today=TODAY
        ).state
        (counted,) = onboardings_with_status(
            [onboarding], today=TODAY, include_internal=internal
        )
        assert from_items == counted.state
        assert from_items.overdue_count and from_items.blocked_count == 1


def test_next_actions_progress_and_contacts_follow_every_change(
    client, start, court, court_lead, staff_user, frozen_today
):
    onboarding = start(court)
    item = onboarding.items.filter(actor="court").order_by("order").first()

    def part(html, start_marker, end_marker):
        start = html.index(start_marker)
        return html[start : html.index(end_marker, start)]

    def shown():
        html = page(client, court_lead, court).content.decode()
        return (
            part(html, 'id="next-actions"', "</section>"),
            part(html, f'id="phase-progress-{item.phase_id}"', "finished</span>"),
            part(html, 'id="contacts"', "</section>"),
        )

    actions, progress, contacts = shown()
    assert f"{item.order}. {item.title}" in actions and "Not started" in actions
    assert "Owner: you" not in actions and "0 of" in progress
    assert shown() == (actions, progress, contacts)  # the same page again
    services.item_set_owner(
        item=item, owner=court_lead, by=court_lead, expected_version=item.version
    )
    item.refresh_from_db()
    actions, _, _ = shown()
    assert "Owner: you" in actions
    # The same page for another member of the court names the owner instead.
    other = MembershipFactory(court=court, user__username="second-lead").user
    client.force_login(other)
    html = client.get(reverse("portal:court", kwargs={"slug": court.slug}))
    other_actions = part(html.content.decode(), 'id="next-actions"', "</section>")
    assert "Owner: you" not in other_actions and str(court_lead) in other_actions
    attach_evidence(item, by=court_lead)  # evidence required, N/A included
    services.item_set_status(
        item=item,
        status="na",
        reason="Not needed at this court.",
        by=court_lead,
        expected_version=item.version,
    )
    actions, progress, contacts = shown()
    assert f"{item.order}. {item.title}" not in actions and "1 of" in progress
    assert "second-lead" in contacts


@pytest.mark.parametrize("owner_first", [True, False])
def test_the_item_row_says_you_only_to_the_items_owner(
    client, start, court, court_lead, staff_user, frozen_today, owner_first
):
    """A court project lead owns an item that CCPOR staff may change too: whoever
    loads the court page first, the row says "you" to the lead alone."""
    onboarding = start(court)
    item = onboarding.items.filter(actor="court").order_by("order").first()
    services.item_set_owner(
        item=item, owner=court_lead, by=court_lead, expected_version=item.version
    )

    def owner_line(user):
        html = page(client, user, court).content.decode()
        row = html[html.index(f'<tr id="item-row-{item.pk}"') :]
        row = row[: row.index("</tr>")]
        return re.search(
            r'class="small text-body-secondary item-owner">(.*?)</div>', row
        )[1]

    viewers = [court_lead, staff_user] if owner_first else [staff_user, court_lead]
    shown = {user: owner_line(user) for user in viewers}
    assert shown[court_lead].startswith("Owner: <strong>you</strong>")
    assert "you" not in shown[staff_user]
    assert shown[staff_user].startswith(f"Owner: {court_lead}")

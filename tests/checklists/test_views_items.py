"""The item page and what members and staff do with an item: status (plain form and
htmx), notes, conflicts, comments, history, verification, reopening, bulk updates."""

import pytest
from django.urls import reverse

from checklists import services
from checklists.models import ChecklistItem
from checklists.presenters import describe_change
from collaboration.models import Comment
from tests.conftest import TODAY
from tests.factories import attach_evidence, days, force_status

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}


@pytest.fixture
def onboarding(start, court, frozen_today):
    return start(court, go_live_in=90)


def item_of(onboarding, order: int) -> ChecklistItem:
    return onboarding.items.get(order=order)


def url(name: str, item: ChecklistItem) -> str:
    return reverse(name, kwargs={"slug": item.onboarding.court.slug, "pk": item.pk})


def post_status(client, item, *, htmx=False, **data):
    data.setdefault("expected_version", item.version)
    extra = HTMX if htmx else {}
    return client.post(url("checklists:item_status", item), data, **extra)


# --- status, plain form (JavaScript off) -------------------------------------------


def test_member_changes_status_and_returns_to_the_page_they_came_from(
    client, onboarding, court_lead
):
    item = item_of(onboarding, 11)
    client.force_login(court_lead)
    response = post_status(
        client,
        item,
        status="in_progress",
        note="Circuit ordered.",
        next="/courts/court-a/?open=on",
    )
    assert response.status_code == 302
    assert response["Location"] == "/courts/court-a/?open=on"
    item.refresh_from_db()
    assert item.status == "in_progress" and item.note == "Circuit ordered."
    assert item.updated_by == court_lead and item.version == 2


def test_next_pointing_elsewhere_is_ignored(client, onboarding, court_lead):
    item = item_of(onboarding, 11)
    client.force_login(court_lead)
    response = post_status(
        client, item, status="in_progress", next="https://evil.test/"
    )
    assert response["Location"] == url("checklists:item_detail", item)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("blocked", "Say what is blocking this item."),
        ("na", "Give a justification for marking this item not applicable."),
    ],
)
def test_blocked_needs_a_reason_and_na_a_justification_shown_on_the_form(
    client, onboarding, court_lead, status, message
):
    item = item_of(onboarding, 11)
    client.force_login(court_lead)
    response = post_status(client, item, status=status, reason="  ", note="keep me")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # What was typed is still there; nothing was saved.
    assert "keep me" in html
    item.refresh_from_db()
    assert item.status == "not_started" and item.version == 1


def test_blocked_with_a_reason_is_saved(client, onboarding, court_lead):
    item = item_of(onboarding, 11)
    client.force_login(court_lead)
    post_status(client, item, status="blocked", reason="Firewall change pending.")
    item.refresh_from_db()
    assert (
        item.status == "blocked" and item.blocked_reason == "Firewall change pending."
    )


def test_done_is_refused_while_dependencies_are_open_naming_them(
    client, onboarding, court_lead
):
    item = item_of(onboarding, 14)  # needs 11
    client.force_login(court_lead)
    response = post_status(client, item, status="done")
    assert "This item cannot be done while these are open: 11. " in (
        response.content.decode()
    )
    item.refresh_from_db()
    assert item.status == "not_started"


def test_a_note_can_be_added_without_changing_the_status(
    client, onboarding, court_lead
):
    item = item_of(onboarding, 11)
    client.force_login(court_lead)
    post_status(client, item, status="not_started", note="Asked the county IT team.")
    item.refresh_from_db()
    assert item.note == "Asked the county IT team." and item.status == "not_started"


def test_the_status_form_carries_the_version_it_was_read_at(
    client, onboarding, court_lead
):
    item = item_of(onboarding, 11)
    client.force_login(court_lead)
    html = client.get(url("checklists:item_detail", item)).content.decode()
    assert 'name="expected_version" value="1"' in html


def test_second_save_gets_a_conflict_showing_the_current_value_and_first_stands(
    client, onboarding, court_lead
):
    item = item_of(onboarding, 11)
    # Both opened the item at version 1; a colleague saves first.
    services.item_set_status(
        item=item,
        status="blocked",
        by=court_lead,
        expected_version=1,
        reason="Waiting.",
    )
    second = court_lead.__class__.objects.create_user("colleague")
    from tests.factories import MembershipFactory

    MembershipFactory(court=onboarding.court, user=second)
    client.force_login(second)
    response = post_status(client, item, status="done", expected_version=1)
    assert response.status_code == 200
    html = response.content.decode()
    assert "was changed by someone else while you were editing" in html
    assert "It is now <strong>Blocked</strong>" in html
    # The form now names the current version: a deliberate second save can apply.
    assert 'name="expected_version" value="2"' in html
    item.refresh_from_db()
    assert item.status == "blocked" and item.blocked_reason == "Waiting."


# --- status inline with htmx ---------------------------------------------------------


def test_htmx_status_change_returns_the_row_and_the_summary_not_a_page(
    client, onboarding, court_lead
):
    item = item_of(onboarding, 11)
    client.force_login(court_lead)
    response = post_status(client, item, htmx=True, status="in_progress")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'<tr id="item-row-{item.pk}"' in html
    assert 'id="court-summary"' in html
    assert f'id="phase-progress-{item.phase_id}"' in html
    assert "Saved: now in progress." in html
    # The row's next save must name the new version.
    assert 'name="expected_version" value="2"' in html
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_htmx_status_refusal_shows_the_message_in_the_row(
    client, onboarding, court_lead
):
    item = item_of(onboarding, 11)
    client.force_login(court_lead)
    response = post_status(client, item, htmx=True, status="blocked")
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx answers only
    assert f'<tr id="item-row-{item.pk}"' in html
    assert "Say what is blocking this item." in html
    assert 'role="alert"' in html
    # The row keeps what the person asked for, to be completed in place
    # (checklist_labels.shown_status), marked invalid.
    row = html[html.index(f'<tr id="item-row-{item.pk}"') :]
    assert '<option value="blocked" selected>' in row
    assert '<option value="not_started" selected>' not in row
    assert 'aria-invalid="true"' in row
    item.refresh_from_db()
    assert item.status == "not_started"


def test_htmx_conflict_is_reported_in_the_row(client, onboarding, court_lead):
    item = item_of(onboarding, 11)
    services.item_set_status(
        item=item, status="done", by=court_lead, expected_version=1
    )
    client.force_login(court_lead)
    response = post_status(client, item, htmx=True, status="blocked", reason="x")
    html = response.content.decode()
    assert "changed by someone else" in html
    # One message per event: the current value is said once, with who set it.
    errors = html[html.index(f'id="item{item.pk}-errors"') :]
    errors = errors[: errors.index("</div>\n")]
    assert errors.count("it is now Done") == 1
    assert "Current value" not in html
    assert f"Last changed by {court_lead}" in errors
    item.refresh_from_db()
    assert item.status == "done"


def test_court_page_forms_work_without_javascript(client, onboarding, court_lead):
    """Each inline form is a real form: method, action, CSRF token and a submit."""
    item = item_of(onboarding, 11)
    client.force_login(court_lead)
    html = client.get(onboarding.court.get_absolute_url()).content.decode()
    action = url("checklists:item_status", item)
    start = html.index(f'action="{action}"')
    form = html[html.rindex("<form", 0, start) : html.index("</form>", start)]
    assert 'method="post"' in form
    assert "csrfmiddlewaretoken" in form
    assert 'type="submit"' in form
    # htmx reads the data- form, which is valid HTML (hx-* is not).
    assert f'data-hx-post="{action}"' in form
    assert " hx-" not in form


# --- who may update -------------------------------------------------------------------


def test_so_member_updates_so_items_not_court_items(client, onboarding, court_liaison):
    client.force_login(court_liaison)
    so_item, court_item = item_of(onboarding, 8), item_of(onboarding, 11)
    assert post_status(client, so_item, status="in_progress").status_code == 302
    assert post_status(client, court_item, status="in_progress").status_code == 403
    html = client.get(url("checklists:item_detail", court_item)).content.decode()
    assert "the Sheriff&#x27;s Office cannot update it" in html


def test_members_cannot_update_ccpor_or_doj_items(client, onboarding, court_lead):
    client.force_login(court_lead)
    for order in (1, 18):
        assert (
            post_status(client, item_of(onboarding, order), status="in_progress")
        ).status_code == 403


def test_viewers_read_but_do_not_update(client, onboarding):
    from tests.factories import MembershipFactory

    viewer = MembershipFactory(
        court=onboarding.court, role="viewer", user__username="viewer"
    ).user
    client.force_login(viewer)
    item = item_of(onboarding, 11)
    assert client.get(url("checklists:item_detail", item)).status_code == 200
    assert post_status(client, item, status="in_progress").status_code == 403


def test_staff_update_any_item_including_internal_ones(client, onboarding, staff_user):
    client.force_login(staff_user)
    for order in (1, 8, 11, 23):
        item = item_of(onboarding, order)
        assert post_status(client, item, status="in_progress").status_code == 302


# --- verify and reopen -------------------------------------------------------------


def test_staff_verify_a_done_item_then_members_can_no_longer_change_it(
    client, onboarding, court_lead, staff_user
):
    item = item_of(onboarding, 11)
    item = services.item_set_status(
        item=item, status="done", by=court_lead, expected_version=1
    )
    client.force_login(staff_user)
    response = client.post(
        url("checklists:item_verify", item), {"expected_version": item.version}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.verified_by == staff_user and item.verified_at is not None
    client.force_login(court_lead)
    page = client.get(url("checklists:item_detail", item)).content.decode()
    assert "The CCPOR Team has verified this item" in page
    assert post_status(client, item, status="in_progress").status_code == 403


def test_verifying_an_item_that_is_not_done_is_refused_with_a_message(
    client, onboarding, staff_user
):
    item = item_of(onboarding, 11)
    client.force_login(staff_user)
    response = client.post(
        url("checklists:item_verify", item), {"expected_version": 1}, follow=True
    )
    assert "Only a done item can be verified" in response.content.decode()
    item.refresh_from_db()
    assert item.verified_at is None


def test_staff_reopen_a_finished_item_with_a_reason(
    client, onboarding, court_lead, staff_user
):
    item = services.item_set_status(
        item=item_of(onboarding, 11), status="done", by=court_lead, expected_version=1
    )
    item = services.item_verify(item=item, by=staff_user, expected_version=2)
    client.force_login(staff_user)
    response = client.post(
        url("checklists:item_reopen", item),
        {"expected_version": item.version, "reason": "The circuit test failed."},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert item.verified_at is None and item.completed_at is None
    assert Comment.objects.get(item=item).body == "Reopened: The circuit test failed."


def test_reopen_needs_a_reason(client, onboarding, court_lead, staff_user):
    item = services.item_set_status(
        item=item_of(onboarding, 11), status="done", by=court_lead, expected_version=1
    )
    client.force_login(staff_user)
    response = client.post(
        url("checklists:item_reopen", item), {"expected_version": 2, "reason": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    item.refresh_from_db()
    assert item.status == "done"


# --- comments and history -----------------------------------------------------------


def test_comments_thread_shows_author_and_time(
    client, onboarding, court_lead, court_liaison
):
    item = item_of(onboarding, 11)
    client.force_login(court_liaison)
    response = client.post(
        url("checklists:comment_add", item), {"body": "Our side is ready."}
    )
    assert response.status_code == 302
    client.force_login(court_lead)
    client.post(url("checklists:comment_add", item), {"body": "Thanks!"})
    html = client.get(url("checklists:item_detail", item)).content.decode()
    assert html.index("Our side is ready.") < html.index("Thanks!")
    assert "so-a" in html and "lead-a" in html
    comment = Comment.objects.filter(item=item).first()
    assert comment.created_at.strftime("%b %-d, %Y") in html


def test_an_empty_comment_is_refused_in_place(client, onboarding, court_lead):
    item = item_of(onboarding, 11)
    client.force_login(court_lead)
    response = client.post(url("checklists:comment_add", item), {"body": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Comment.objects.filter(item=item).exists()


def test_item_history_says_who_changed_what_and_when(
    client, onboarding, court_lead, staff_user
):
    item = item_of(onboarding, 11)
    item = services.item_set_status(
        item=item,
        status="blocked",
        by=court_lead,
        expected_version=1,
        reason="Circuit on back order.",
    )
    services.item_set_status(
        item=item, status="in_progress", by=staff_user, expected_version=2
    )
    client.force_login(court_lead)
    response = client.get(url("checklists:item_detail", item))
    history = response.context["history"]
    assert [h.who for h in history] == [staff_user, court_lead, staff_user]
    assert describe_change(history[0].change) == "status Blocked → In progress"
    assert describe_change(history[1].change) == (
        "status Not started → Blocked; blocked: Circuit on back order."
    )
    assert describe_change(history[2].change) == "added to the checklist"
    assert "status Blocked → In progress" in response.content.decode()


# --- bulk update -------------------------------------------------------------------


def bulk(client, court, items, **data):
    body = {"items": [i.pk for i in items], **data}
    for i in items:
        body[f"v{i.pk}"] = i.version
    return client.post(
        reverse("checklists:bulk_status", kwargs={"slug": court.slug}),
        body,
        follow=True,
    )


def test_bulk_update_changes_allowed_items_and_reports_each_refusal(
    client, onboarding, court_lead
):
    # 14 waits for 11: items go in checklist order, so 11 is done before 14 is tried.
    ok = [item_of(onboarding, n) for n in (11, 14, 15)]
    so_item = item_of(onboarding, 8)
    no_document = item_of(onboarding, 13)  # evidence required, none uploaded
    client.force_login(court_lead)
    response = bulk(
        client, onboarding.court, [*ok, so_item, no_document], status="done"
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("3 items set to done: 11. ") for m in messages)
    assert any(
        m.startswith("Not changed – 8. ") and "cannot update it" in m for m in messages
    )
    assert any(
        m.startswith("Not changed – 13. ")
        and "needs evidence: upload its document" in m
        for m in messages
    )
    statuses = dict(onboarding.items.values_list("order", "status"))
    assert statuses[11] == statuses[14] == statuses[15] == "done"
    assert statuses[8] == statuses[13] == "not_started"


def test_bulk_update_applies_the_same_rules_as_one_by_one(
    client, onboarding, court_lead
):
    items = [item_of(onboarding, n) for n in (14, 15)]  # 14 waits for 11
    client.force_login(court_lead)
    response = bulk(client, onboarding.court, items, status="done")
    messages = [str(m) for m in response.context["messages"]]
    assert any(
        m.startswith("Not changed – 14. ")
        and "cannot be done while these are open: 11." in m
        for m in messages
    )
    response = bulk(
        client, onboarding.court, [item_of(onboarding, 15)], status="blocked"
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("Say what is blocking this item." in m for m in messages)
    statuses = dict(onboarding.items.values_list("order", "status"))
    assert statuses[14] == "not_started" and statuses[15] == "done"


def test_bulk_update_refuses_stale_items(client, onboarding, court_lead):
    item = item_of(onboarding, 11)
    stale_copy = item_of(onboarding, 11)
    services.item_set_status(
        item=item, status="blocked", by=court_lead, expected_version=1, reason="x"
    )
    client.force_login(court_lead)
    response = bulk(client, onboarding.court, [stale_copy], status="done")
    messages = [str(m) for m in response.context["messages"]]
    assert any("was changed by someone else" in m for m in messages)
    item.refresh_from_db()
    assert item.status == "blocked"


def test_bulk_update_with_nothing_ticked_says_so(client, onboarding, court_lead):
    client.force_login(court_lead)
    response = bulk(client, onboarding.court, [], status="done")
    messages = [str(m) for m in response.context["messages"]]
    assert "Tick at least one item to update." in messages


def test_bulk_update_cannot_reach_another_courts_items(
    client, onboarding, start, other_court, court_lead
):
    foreign = start(other_court).items.get(order=11)
    client.force_login(court_lead)
    response = bulk(client, onboarding.court, [foreign], status="done")
    messages = [str(m) for m in response.context["messages"]]
    assert any("is not one of the available choices" in m for m in messages)
    foreign.refresh_from_db()
    assert foreign.status == "not_started"


# --- Go-Live date and processing model (CCPOR staff) ------------------------------


def test_staff_reschedule_go_live_with_a_reason(client, onboarding, staff_user):
    client.force_login(staff_user)
    new_date = TODAY + days(120)
    path = reverse("portal:reschedule", kwargs={"slug": onboarding.court.slug})
    response = client.post(path, {"go_live_date": new_date.isoformat(), "reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    response = client.post(
        path, {"go_live_date": new_date.isoformat(), "reason": "Circuit delayed."}
    )
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.go_live_date == new_date
    assert onboarding.go_live_changes.get().reason == "Circuit delayed."


def test_reschedule_refuses_a_past_date_with_the_services_message(
    client, onboarding, staff_user
):
    client.force_login(staff_user)
    path = reverse("portal:reschedule", kwargs={"slug": onboarding.court.slug})
    response = client.post(
        path, {"go_live_date": (TODAY - days(1)).isoformat(), "reason": "Oops"}
    )
    assert "is in the past" in response.content.decode()


def test_staff_change_the_processing_model(client, onboarding, staff_user):
    client.force_login(staff_user)
    path = reverse("portal:processing_model", kwargs={"slug": onboarding.court.slug})
    response = client.post(path, {"court_enters_carpos": "on"})  # SO stops
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert onboarding.so_participates is False
    assert item_of(onboarding, 20).status == "na"


# --- evidence required -------------------------------------------------------------


def test_done_without_the_required_document_is_refused_on_the_page(
    client, onboarding, court_lead
):
    item = item_of(onboarding, 13)  # evidence required
    client.force_login(court_lead)
    response = post_status(client, item, status="done")
    assert response.status_code == 200
    assert (
        "“Infrastructure, security and network capacity assessment” needs evidence: "
        "upload its document before it can be marked done."
    ) in response.content.decode()
    item.refresh_from_db()
    assert item.status == "not_started"
    # Inline (htmx), the row says so too.
    response = post_status(client, item, htmx=True, status="done")
    assert "needs evidence: upload its document" in response.content.decode()
    attach_evidence(item, by=court_lead)
    assert post_status(client, item, status="done").status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


def test_verifying_without_the_required_document_is_refused(
    client, onboarding, court_lead, staff_user
):
    item = item_of(onboarding, 13)
    attach_evidence(item, by=court_lead)
    item = services.item_set_status(
        item=item, status="done", by=court_lead, expected_version=item.version
    )
    item.evidence.all().delete()  # removed in the admin, say
    client.force_login(staff_user)
    response = client.post(
        url("checklists:item_verify", item),
        {"expected_version": item.version},
        follow=True,
    )
    assert "needs evidence: upload its document before it can be verified." in (
        response.content.decode()
    )
    item.refresh_from_db()
    assert item.verified_at is None


def test_na_of_an_evidence_required_item_needs_its_document(
    client, onboarding, court_lead
):
    item = item_of(onboarding, 13)
    client.force_login(court_lead)
    response = post_status(client, item, status="na", reason="Assessed last year")
    assert response.status_code == 200
    assert "needs evidence: upload its document before it can be marked not " in (
        response.content.decode()
    )
    assert item_of(onboarding, 13).status == "not_started"
    attach_evidence(item, by=court_lead)
    item.refresh_from_db()
    response = post_status(client, item, status="na", reason="Assessed last year")
    assert response.status_code == 302
    assert item_of(onboarding, 13).status == "na"


# --- a closed onboarding --------------------------------------------------------------


def test_a_closed_onboardings_item_page_offers_nothing_to_anyone(
    client, onboarding, court_lead, staff_user
):
    item = services.item_set_status(
        item=item_of(onboarding, 11), status="done", by=court_lead, expected_version=1
    )
    force_status(onboarding, "closed")
    for person in (court_lead, staff_user):
        client.force_login(person)
        page = client.get(url("checklists:item_detail", item)).content.decode()
        assert "The onboarding is closed: it is read-only history." in page
        for offer in ("Verify:", "Reopen the item", "Post comment", "Upload"):
            assert offer not in page
        assert post_status(client, item, status="in_progress").status_code == 403
        assert (
            client.post(url("checklists:comment_add", item), {"body": "x"}).status_code
            == 403
        )
    client.force_login(staff_user)
    response = client.post(
        url("checklists:item_reopen", item),
        {"expected_version": item.version, "reason": "x"},
        follow=True,
    )
    assert response.redirect_chain == [(url("checklists:item_detail", item), 302)]
    assert "read-only history" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "done"


def test_court_page_rows_post_under_csrf_checks_and_follow_their_item(
    onboarding, court_lead
):
    """Each session's court page rows carry its own CSRF token, so a row's form
    posts under CSRF checks; and a row changes when its item does."""
    import re

    from django.test import Client

    from tests.factories import MembershipFactory

    item = item_of(onboarding, 11)
    action = url("checklists:item_status", item)
    colleague = MembershipFactory(court=onboarding.court, user__username="lead-b").user
    tokens = []
    for user in (court_lead, colleague):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        html = client.get(onboarding.court.get_absolute_url()).content.decode()
        start = html.index(f'action="{action}"')
        form = html[start : html.index("</form>", start)]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        tokens.append(token)
        item.refresh_from_db()
        response = client.post(
            action,
            {
                "csrfmiddlewaretoken": token,
                "status": "in_progress" if user == court_lead else "not_started",
                "expected_version": item.version,
            },
        )
        assert response.status_code == 302
        page = client.get(onboarding.court.get_absolute_url()).content.decode()
        row = page[page.index(f'id="item-row-{item.pk}"') :]
        row = row[: row.index("</tr>")]
        expected = "in_progress" if user == court_lead else "not_started"
        assert f'<option value="{expected}" selected>' in row
    assert tokens[0] != tokens[1]

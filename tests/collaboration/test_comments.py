"""Comments are append-only: only the author edits, the earlier text is kept (who,
when, what it said) and the comment shows "edited"; nobody rewrites a member's
comment in the admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from collaboration import services as collaboration_services
from collaboration.models import Comment, CommentRevision
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(start, court):
    return start(court).items.filter(actor="court").order_by("order").first()


@pytest.fixture
def comment(item, court_lead):
    return collaboration_services.comment_add(
        item=item, body="Letter sent Monday.", by=court_lead
    )


def _edit_url(comment):
    item = comment.item
    return reverse(
        "checklists:comment_edit",
        kwargs={
            "slug": item.onboarding.court.slug,
            "pk": item.pk,
            "comment_pk": comment.pk,
        },
    )


def test_the_author_edits_and_the_earlier_text_is_kept(comment, court_lead):
    edited = collaboration_services.comment_edit(
        comment=comment, body="Letter sent Tuesday.", by=court_lead
    )
    assert edited.body == "Letter sent Tuesday." and edited.edited_at is not None
    collaboration_services.comment_edit(
        comment=comment, body="Letter sent Wednesday.", by=court_lead
    )
    revisions = list(CommentRevision.objects.filter(comment=comment))
    assert [r.body for r in revisions] == [
        "Letter sent Monday.",
        "Letter sent Tuesday.",
    ]
    assert all(r.edited_by == court_lead for r in revisions)


def test_the_same_text_again_changes_nothing(comment, court_lead):
    collaboration_services.comment_edit(
        comment=comment, body=" Letter sent Monday. ", by=court_lead
    )
    assert not CommentRevision.objects.exists()
    comment.refresh_from_db()
    assert comment.edited_at is None


def test_nobody_but_the_author_edits(comment, staff_user, superuser, court):
    colleague = MembershipFactory(court=court, user__username="colleague").user
    for someone in (staff_user, superuser, colleague, None):
        with pytest.raises(PermissionDenied):
            collaboration_services.comment_edit(
                comment=comment, body="Rewritten", by=someone
            )
    comment.refresh_from_db()
    assert comment.body == "Letter sent Monday."
    assert not CommentRevision.objects.exists()


def test_an_empty_or_huge_edit_is_refused(comment, court_lead):
    for body in ("   ", "x" * 5001):
        with pytest.raises(ValidationError):
            collaboration_services.comment_edit(
                comment=comment, body=body, by=court_lead
            )
    assert not CommentRevision.objects.exists()


def test_the_item_page_shows_edited_and_the_earlier_text(
    client, comment, court_lead, court_liaison
):
    client.force_login(court_lead)
    page = client.get(_edit_url(comment))
    assert page.status_code == 200
    assert "Letter sent Monday." in page.content.decode()
    response = client.post(_edit_url(comment), {"body": "Letter sent Tuesday."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")

    client.force_login(court_liaison)  # another member reads the thread
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert "Letter sent Tuesday." in html
    assert "edited" in html and "Earlier text (1 edit)" in html
    assert "Letter sent Monday." in html
    assert _edit_url(comment) not in html  # no Edit link on someone else's comment


def test_staff_and_colleagues_cannot_edit_through_the_page(
    client, comment, staff_user, court_liaison
):
    for someone in (staff_user, court_liaison):
        client.force_login(someone)
        assert client.get(_edit_url(comment)).status_code == 403
        assert client.post(_edit_url(comment), {"body": "Rewritten"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Letter sent Monday."


def test_the_admin_cannot_rewrite_a_comment(admin_client, comment):
    url = reverse("admin:collaboration_comment_change", args=[comment.pk])
    page = admin_client.get(url)
    assert page.status_code == 200  # readable
    assert 'name="body"' not in page.content.decode()
    admin_client.post(url, {"body": "Rewritten by staff"})
    comment.refresh_from_db()
    assert comment.body == "Letter sent Monday."
    assert Comment.objects.count() == 1

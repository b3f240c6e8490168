"""The discussion thread of an item."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from checklists import limits
from checklists.models import ChecklistItem
from checklists.services import notices
from checklists.services.guards import onboarding_ensure_writable

from ..models import Comment, CommentRevision


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment before posting it."})
    if len(body) > limits.COMMENT_MAX:
        raise ValidationError(
            {"body": f"A comment may be at most {limits.COMMENT_MAX} characters."}
        )
    return body


def comment_create(*, item: ChecklistItem, body: str, by) -> Comment:
    """Add a comment without telling anyone (for a service that sends its own
    notification, as reopening does); refused as `comment_add` refuses."""
    onboarding_ensure_writable(item.onboarding)
    body = _clean_body(body)
    with transaction.atomic():
        return Comment.objects.create(item=item, author=by, body=body)


def comment_add(*, item: ChecklistItem, body: str, by) -> Comment:
    """Add a comment to an item's thread and tell the item's owner and everyone it
    @mentions (see notices.comment_added); an empty comment is refused, and so is
    any comment on a closed or cancelled onboarding (read-only history)."""
    with transaction.atomic():
        comment = comment_create(item=item, body=body, by=by)
        notices.comment_added(comment)
    return comment


def comment_edit(*, comment: Comment, body: str, by) -> Comment:
    """Change a comment's text: only its author may, and the previous text is kept
    (a CommentRevision: who, when, what it said), so the thread stays a faithful
    record. The comment is marked edited, and people it now @mentions that it did
    not before are told. PermissionDenied for anyone else."""
    if by is None or comment.author_id is None or comment.author_id != by.pk:
        raise PermissionDenied("Only the author of a comment may edit it.")
    onboarding_ensure_writable(comment.item.onboarding)
    body = _clean_body(body)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.body == body:
            return locked
        CommentRevision.objects.create(comment=locked, body=locked.body, edited_by=by)
        before = locked.body
        locked.body = body
        locked.edited_at = timezone.now()
        locked.save(update_fields=["body", "edited_at"])
        notices.comment_added(locked, mentioned_before=before)
    return locked

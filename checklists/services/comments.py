"""The discussion thread of an item."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import ChecklistItem, Comment
from . import notices


def comment_create(*, item: ChecklistItem, body: str, by) -> Comment:
    """Add a comment without telling anyone (for a service that sends its own
    notification, as reopening does); an empty comment is refused."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment before posting it."})
    with transaction.atomic():
        return Comment.objects.create(item=item, author=by, body=body)


def comment_add(*, item: ChecklistItem, body: str, by) -> Comment:
    """Add a comment to an item's thread and tell the item's owner and everyone it
    @mentions (see notices.comment_added); an empty comment is refused."""
    with transaction.atomic():
        comment = comment_create(item=item, body=body, by=by)
        notices.comment_added(comment)
    return comment

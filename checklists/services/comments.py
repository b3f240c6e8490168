"""The discussion thread of an item."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import ChecklistItem, Comment


def comment_add(*, item: ChecklistItem, body: str, by) -> Comment:
    """Add a comment to an item's thread; an empty comment is refused."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment before posting it."})
    with transaction.atomic():
        return Comment.objects.create(item=item, author=by, body=body)

"""The discussion thread of an item."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import limits
from ..models import ChecklistItem, Comment


def comment_add(*, item: ChecklistItem, body: str, by) -> Comment:
    """Add a comment to an item's thread; an empty comment is refused."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment before posting it."})
    if len(body) > limits.COMMENT_MAX:
        raise ValidationError(
            {"body": f"A comment may be at most {limits.COMMENT_MAX} characters."}
        )
    with transaction.atomic():
        return Comment.objects.create(item=item, author=by, body=body)

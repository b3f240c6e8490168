"""The discussion thread of an item."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import ChecklistItem, Comment
from .guards import onboarding_ensure_writable


def comment_add(*, item: ChecklistItem, body: str, by) -> Comment:
    """Add a comment to an item's thread; an empty comment is refused, and so is any
    comment on a closed or cancelled onboarding (read-only history)."""
    onboarding_ensure_writable(item.onboarding)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment before posting it."})
    with transaction.atomic():
        return Comment.objects.create(item=item, author=by, body=body)

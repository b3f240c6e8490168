"""How collaboration reacts to what checklists announces (checklists/signals.py),
inside the transaction of the change (connected in apps.py)."""

from .services import comment_create


def on_item_reopened(sender, *, item, by, reason: str, **kwargs) -> None:
    """A reopened item's reason goes into its thread, where people look for it."""
    comment_create(item=item, body=f"Reopened: {reason}", by=by)

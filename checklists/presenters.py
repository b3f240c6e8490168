"""The wording of what happened to an item: the activity feed of the court page and
an item's change history. Selectors return `Change`s and `Activity`s as data; this
module turns them into the sentences people read (templates use the `describe`
filter of checklist_labels)."""

from django.utils import timezone

from .models import ChecklistItem, Kind
from .selectors import Change

# The guide's legend of item kinds as a key: a letter for each kind, shown beside
# every item's kind on the court page and explained by the key there and under the
# timeline (templates/checklists/_kind_key.html). The letter is text, so the key
# does not rest on colour.
KIND_MARKS = {
    Kind.DOCUMENT: "D",
    Kind.RESPONSE: "R",
    Kind.MEETING: "M",
    Kind.ACTIVITY: "A",
    Kind.TEAM_TASK: "T",
}
# The key's entries: (kind, letter, wording). The response and activity kinds name
# the court or the sheriff's office (DOJ answers too), as the guide's legend does.
KIND_KEY = (
    (Kind.DOCUMENT, "D", "Document from the CCPOR Team"),
    (Kind.RESPONSE, "R", "Response back from the court, the SO or DOJ"),
    (Kind.MEETING, "M", "Meeting / communication / information from the CCPOR Team"),
    (Kind.ACTIVITY, "A", "Court/SO activity"),
    (Kind.TEAM_TASK, "T", "CCPOR Team internal task"),
)


def _status(status: str) -> str:
    return ChecklistItem.Status(status).label if status else "—"


def describe_change(change: Change) -> str:
    """What a history record changed, in words."""
    if change.kind == "added":
        return "added to the checklist"
    if change.kind == "removed":
        return "removed from the checklist"
    fields, parts = change.fields, []
    if "status" in fields:
        before, after = fields["status"]
        parts.append(f"status {_status(before)} → {_status(after)}")
    if fields.get("blocked_reason", ("", ""))[1]:
        parts.append(f"blocked: {fields['blocked_reason'][1]}")
    if fields.get("na_justification", ("", ""))[1]:
        parts.append(f"N/A because: {fields['na_justification'][1]}")
    if "note" in fields:
        note = fields["note"][1]
        parts.append(f"note: {note}" if note else "note cleared")
    if "due_date" in fields:
        before, after = fields["due_date"]
        parts.append(f"due {before:%b %-d} → {after:%b %-d, %Y}")
    if (
        "verified_at" in fields
        and fields["verified_at"][1]
        and not fields["verified_at"][0]
    ):
        parts.append("verified by the CCPOR Team")
    if "owner_id" in fields:
        # The owner's name is in the change reason (item_set_owner writes it).
        owner = change.reason if change.reason.startswith("owner") else ""
        parts.append(owner or "owner changed")
    if "meeting_starts_at" in fields:
        starts = fields["meeting_starts_at"][1]
        parts.append(
            f"meeting set for {timezone.localtime(starts):%b %-d, %Y, %-I:%M %p}"
            if starts
            else "meeting unscheduled"
        )
    if "title" in fields:
        parts.append(f"renamed to “{fields['title'][1]}”")
    if change.reason and (not parts or "reopened" in change.reason):
        parts.append(change.reason)
    return "; ".join(parts) or "details edited"


def describe_activity(activity) -> str:
    """One line of the activity feed (`collaboration.selectors.Activity`), in words."""
    if activity.change is not None:
        return describe_change(activity.change)
    if activity.evidence_name:
        return f"uploaded evidence “{activity.evidence_name}”"
    return f"commented: {activity.comment}"

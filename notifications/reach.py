"""Checked again when a notification is sent: whether its recipient may still be
told.

`notify` lets through only people who may see the court (and only CCPOR staff for
an internal-only item), but a notification waits minutes (a batch) or days (the
weekly digest) before it is mailed, and access changes meanwhile. So the sender
asks again, for the rows it has claimed, just before the mail leaves: a row whose
recipient is no longer active, no longer has the address it was for, or may no
longer see the court, or whose subject (`about`) has become internal-only (and the
recipient is not CCPOR staff) or no longer exists, is dropped: recorded as skipped
with the reason, never retried, and left out of the mail.

The same check asks whether what the notification says is still true: a row whose
`still_if` (a filter on its subject, e.g. the item still blocked) no longer holds,
or whose `void_if` (a row of another model, e.g. the sign-off it asks for) now
exists, is dropped too. "Please sign" does not arrive after she signed.

The app knows no checklists: a subject says it is internal-only through a field
named `internal_only`, the word `notify` already uses; the conditions name their
models and fields as data.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from courts.access import ccpor_staff_users
from courts.models import Membership

from . import outbox
from .models import Notification


def _reasons(rows: list[Notification]) -> dict[int, str]:
    """Why each row that may no longer be sent may not (pk -> reason). Three
    queries at most (staff, memberships, and one per kind of subject), however
    many rows."""
    people = {row.recipient_id for row in rows if row.recipient_id}
    staff = set(ccpor_staff_users().filter(pk__in=people).values_list("pk", flat=True))
    members = set(
        Membership.objects.filter(
            user_id__in=people - staff, court_id__in={row.court_id for row in rows}
        ).values_list("user_id", "court_id")
    )
    subjects = _subjects(rows)
    reasons = {}
    for row in rows:
        person = row.recipient
        subject = subjects.get((row.about_type_id, row.about_id))
        if row.about_id is not None and subject is None:
            reasons[row.pk] = "What it was about no longer exists."
        elif person is None:
            continue  # the CCPOR Team's shared mailbox
        elif not person.is_active:
            reasons[row.pk] = f"{person} is no longer an active user."
        elif person.email.lower() != row.address.lower():
            reasons[row.pk] = f"{row.address} is no longer {person}'s address."
        elif person.pk in staff:
            continue
        elif (person.pk, row.court_id) not in members:
            reasons[row.pk] = f"{person} no longer has access to {row.court}."
        elif subject and subject["internal_only"]:
            reasons[row.pk] = (
                "What it was about is now for the CCPOR Team only, and "
                f"{person} is not in the team."
            )
    return reasons


def _subjects(rows: Iterable[Notification]) -> dict[tuple[int, int], dict]:
    """The subjects of these rows as they are now, keyed by (type id, id): whether
    each is internal-only. One query per kind of subject."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row.about_type_id is not None and row.about_id is not None:
            wanted[row.about_type_id].add(row.about_id)
    found = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        fields = {f.name for f in model._meta.concrete_fields}
        columns = ["pk", "internal_only"] if "internal_only" in fields else ["pk"]
        for values in model._base_manager.filter(pk__in=ids).values(*columns):
            found[(type_id, values["pk"])] = {
                "internal_only": values.get("internal_only", False)
            }
    return found


def _no_longer_true(rows: Iterable[Notification]) -> dict[int, str]:
    """Why each row whose content stopped being true is no longer sent (pk ->
    reason): one query per row that carries a condition (few: a batch)."""
    reasons = {}
    for row in rows:
        data = row.data or {}
        still_if, void_if = data.get("still_if"), data.get("void_if")
        if still_if and row.about_type_id and row.about_id is not None:
            model = ContentType.objects.get_for_id(row.about_type_id).model_class()
            if model is not None and not (
                model._base_manager.filter(pk=row.about_id, **still_if).exists()
            ):
                reasons[row.pk] = "What it said is no longer true."
        if void_if and row.pk not in reasons:
            model = apps.get_model(void_if["model"])
            if model._base_manager.filter(**void_if["filter"]).exists():
                reasons[row.pk] = void_if.get("says") or (
                    "What it asked for has been done."
                )
    return reasons


def drop_unreachable(rows: list[Notification], *, token: str) -> list[Notification]:
    """The rows (claimed under `token`) that may still be sent; the others are
    recorded as skipped, each with its reason, in one commit."""
    reasons = _reasons(rows)
    reasons.update(
        {pk: why for pk, why in _no_longer_true(rows).items() if pk not in reasons}
    )
    if reasons:
        outbox.settle_each(
            Notification,
            {
                pk: {"status": Notification.Status.SKIPPED, "error": reason}
                for pk, reason in reasons.items()
            },
            token=token,
        )
    return [row for row in rows if row.pk not in reasons]

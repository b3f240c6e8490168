""" "Your next actions": one list, on the court page, of what needs this person at
this court now, whatever their role: sign-offs asked of them, the team's turn in
the Go-Live phase (CCPOR staff), incidents they follow, and their organisation's
items. Each entry says why it is theirs and links to where they act."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from checklists.models import Actor, ChecklistItem, Onboarding
from checklists.selectors import next_actions
from golive.models import SignOffKind, role_in_sentence
from golive.selectors import incidents_awaiting, sign_offs_asked_of, team_turn


@dataclass(frozen=True)
class ToDo:
    kind: str  # "sign_off", "decision", "incident" or "item"
    title: str
    why: str
    url: str
    due: datetime.date | None = None
    overdue: bool = False
    item: ChecklistItem | None = None
    # What the person who asked for a sign-off wrote.
    message: str = ""


def _on(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%b %-d, %-I:%M %p}"


def _sign_off_todos(user, onboarding: Onboarding, slug: str) -> list[ToDo]:
    url = reverse("golive:sign_offs", args=[slug])
    todos = []
    for request in sign_offs_asked_of(user, onboarding):
        asker = request.asked_by.get_full_name() if request.asked_by else "Someone"
        asker = asker or str(request.asked_by)
        todos.append(
            ToDo(
                kind="sign_off",
                title=f"Sign the {request.get_kind_display().lower()} sign-off",
                why=(
                    f"{asker} asked you on {_on(request.asked_at)} to sign as "
                    f"{role_in_sentence(request.role)}."
                ),
                url=url,
                message=request.message,
            )
        )
    return todos


def _team_todos(onboarding: Onboarding, slug: str) -> list[ToDo]:
    todos = []
    for what, kind in team_turn(onboarding):
        if what == "decision":
            todos.append(
                ToDo(
                    kind="decision",
                    title=(
                        "Record the go/no-go decision for Go-Live "
                        f"{onboarding.go_live_date:%b %-d, %Y}"
                    ),
                    why="Acceptance is signed on every line; the decision is the "
                    "CCPOR Team's to record.",
                    url=reverse("golive:decision", args=[slug]),
                    due=onboarding.go_live_date,
                )
            )
        else:
            label = SignOffKind(kind).label.lower()
            todos.append(
                ToDo(
                    kind="sign_off",
                    title=f"Sign the CCPOR Team's {label} line",
                    why=f"The court side has signed the {label} sign-off; the CCPOR "
                    "Team signs last.",
                    url=reverse("golive:sign_offs", args=[slug]),
                )
            )
    return todos


def _incident_todos(user, incidents, slug: str, *, staff: bool, now) -> list[ToDo]:
    todos = []
    for incident in incidents_awaiting(user, incidents, staff=staff):
        if incident.awaits_reporter:
            why = "You reported it and it is resolved: confirm the fix or reopen it."
        elif incident.reported_by_id == user.pk:
            why = f"You reported it; it is {incident.get_status_display().lower()}."
        elif incident.owner_id == user.pk:
            why = "You own it for the CCPOR Team."
        else:
            due = _on(incident.respond_by)
            why = f"No one has answered it yet; a first response is due by {due}."
        todos.append(
            ToDo(
                kind="incident",
                title=f"Incident #{incident.pk} ({incident.severity}): "
                f"{incident.title}",
                why=why,
                url=reverse("golive:incident_detail", args=[slug, incident.pk]),
                overdue=incident.is_past_target(now),
            )
        )
    return todos


def _item_todos(user, items, *, actor: str | None, onboarding, today) -> list[ToDo]:
    # Once live, every open item of theirs is next, the close-out ones included,
    # however early the court went live (the marks count to the planned date).
    next_mark = (
        None
        if onboarding.status == Onboarding.Status.LIVE
        else onboarding.state.next_mark
    )
    label = Actor(actor).label if actor else ""
    todos = []
    for item in next_actions(items, actor=actor, next_mark=next_mark, today=today):
        why = f"An item of the {label}"
        why += ", and you own it." if item.owner_id == user.pk else ", your side."
        todos.append(
            ToDo(
                kind="item",
                title=f"{item.order}. {item.title}",
                why=why,
                url=item.page_url,
                due=item.due_date,
                overdue=item.is_overdue_on(today),
                item=item,
            )
        )
    return todos


def todo_list(
    user,
    onboarding: Onboarding,
    *,
    items,
    actor: str | None,
    incidents,
    staff: bool,
    today: datetime.date,
) -> list[ToDo]:
    """What needs `user` at this onboarding's court now, most pressing kinds first:
    sign-offs asked of them, the team's sign-offs and decision (CCPOR staff),
    incidents they follow, then their organisation's items (overdue first, then
    those due by the next mark). `items` the court page's items (with `page_url`),
    `incidents` the court's (its Go-Live panel's). Two queries (one more for staff)."""
    slug, now = onboarding.court.slug, timezone.now()
    todos = _sign_off_todos(user, onboarding, slug)
    if staff and onboarding.is_open:
        todos += _team_todos(onboarding, slug)
    todos += _incident_todos(user, incidents, slug, staff=staff, now=now)
    return todos + _item_todos(
        user, items, actor=actor, onboarding=onboarding, today=today
    )

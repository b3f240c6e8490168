"""What the checklist's changes tell people, through the notifications outbox.

Each function is called by a service inside its transaction, so that every path that
makes the change (pages, admin, bulk changes, commands) notifies; the mails leave
once the transaction commits (see notifications.services.notify). The outbox knows
nothing of checklists: the subject, text and link are worked out here.
"""

from courts.models import Membership
from courts.selectors import court_leads
from notifications.mentions import mentions_in
from notifications.models import Kind
from notifications.services import notify

from ..models import ChecklistItem, GoLiveChange


def _about(item: ChecklistItem) -> str:
    return f"“{item.order}. {item.title}”"


def _item_notice(item: ChecklistItem, **kwargs) -> None:
    court = item.onboarding.court
    # Its owner, if told, may answer it from the mail (one-click links, made when
    # the mail is sent, never for CCPOR staff: notifications.answer_links); the
    # answer page asks checklists.access.email_answer_refusal.
    told = {person.pk for person in kwargs.get("recipients", ()) if person}
    if item.owner_id and item.owner_id in told:
        kwargs["data"] = {**kwargs.get("data", {}), "answerable_by": [item.owner_id]}
    # About the item: only CCPOR staff are told of an internal-only one, and the
    # outbox asks again when it sends (the item may have become internal-only).
    notify(court=court, link=item.get_absolute_url(), about=item, **kwargs)


def comment_added(comment, *, mentioned_before: str | None = None) -> None:
    """A comment (`collaboration.models.Comment`) tells the item's owner and everyone
    it @mentions (`@ccpor`: the CCPOR Team); someone both owner and mentioned is told
    once, as mentioned. For an edited comment (`mentioned_before`: its earlier
    text), only the people (and the team) it mentions now and did not before are
    told."""
    item, by = comment.item, comment.author
    court = item.onboarding.court
    mentions = mentions_in(comment.body)
    mentioned = {u.pk for u in mentions.users}
    new_users, new_team = mentions.users, mentions.team
    if mentioned_before is not None:
        before = mentions_in(mentioned_before)
        known = {u.pk for u in before.users}
        new_users = [u for u in mentions.users if u.pk not in known]
        new_team = mentions.team and not before.team
    where = f"{court.short_name}: {by or 'Someone'}"
    if new_users:
        _item_notice(
            item,
            kind=Kind.MENTION,
            recipients=new_users,
            by=by,
            subject=f"{where} mentioned you on {_about(item)}",
            text=comment.body,
        )
    if new_team:
        _item_notice(
            item,
            kind=Kind.MENTION,
            team=True,
            by=by,
            subject=f"{where} mentioned the CCPOR Team on {_about(item)}",
            text=comment.body,
        )
    if mentioned_before is None and item.owner_id and item.owner_id not in mentioned:
        _item_notice(
            item,
            kind=Kind.COMMENT,
            recipients=[item.owner],
            by=by,
            subject=f"{where} commented on {_about(item)}",
            text=comment.body,
        )


def _owner_and_leads(item: ChecklistItem) -> list:
    leads = [m.user for m in court_leads(item.onboarding.court)]
    return [item.owner, *leads] if item.owner_id else leads


def item_blocked(item: ChecklistItem, *, by) -> None:
    """Blocked: the owner and the court's project lead, the CCPOR Team in copy."""
    _item_notice(
        item,
        kind=Kind.ITEM_BLOCKED,
        recipients=_owner_and_leads(item),
        team=True,
        by=by,
        subject=f"{item.onboarding.court.short_name}: {_about(item)} is blocked",
        text=item.blocked_reason,
        # Not sent once it is no longer blocked.
        still_if={"status": ChecklistItem.Status.BLOCKED},
    )


def item_reopened(item: ChecklistItem, *, by, reason: str = "") -> None:
    """Reopened (finished, then open again): as blocked."""
    _item_notice(
        item,
        kind=Kind.ITEM_REOPENED,
        recipients=_owner_and_leads(item),
        team=True,
        by=by,
        subject=f"{item.onboarding.court.short_name}: {_about(item)} was reopened"
        + (f" by {by}" if by else ""),
        text=reason,
        data={"status": item.get_status_display()},
        # Not sent once it is finished again.
        still_if={"status__in": list(ChecklistItem.OPEN_STATUSES)},
    )


def item_assigned(item: ChecklistItem, *, by) -> None:
    """An owner is named: they are told (unless they named themselves)."""
    if item.owner_id is None:
        return
    _item_notice(
        item,
        kind=Kind.ASSIGNED,
        recipients=[item.owner],
        by=by,
        subject=f"{item.onboarding.court.short_name}: {by or 'The CCPOR Team'} "
        f"assigned you {_about(item)}",
        data={"due_date": f"{item.due_date:%B %-d, %Y}"},
        # Not sent once someone else owns it.
        still_if={"owner_id": item.owner_id},
    )


def go_live_moved(change: GoLiveChange, *, by) -> None:
    """Go-Live moved: every member of the court."""
    court = change.onboarding.court
    members = [
        m.user for m in Membership.objects.filter(court=court).select_related("user")
    ]
    notify(
        kind=Kind.GO_LIVE_MOVED,
        court=court,
        recipients=members,
        by=by,
        subject=f"{court.short_name}: Go-Live moved to {change.new_date:%B %-d, %Y}",
        link=court.get_absolute_url(),
        text=change.reason,
        data={
            "old_date": f"{change.old_date:%B %-d, %Y}",
            "new_date": f"{change.new_date:%B %-d, %Y}",
        },
        # A later move tells its own news: this one is not sent once it has been
        # moved again.
        about=change.onboarding,
        still_if={"go_live_date": change.new_date.isoformat()},
    )

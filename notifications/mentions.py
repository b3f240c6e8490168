"""@mentions in what people write: `@username` reaches that person, `@ccpor` (any
case) reaches the CCPOR Team."""

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q

from courts.access import ccpor_staff_users
from courts.models import Membership

# Not preceded by a character of an address or a word, so "a.lee@court.ca.gov" is no
# mention; a user name ends with a letter or digit, so "@a.lee." stops before the dot.
MENTION = re.compile(r"(?<![\w.@+-])@(\w(?:[\w.+-]*\w)?)")
# What reaches the CCPOR Team rather than a person of that name.
TEAM_HANDLES = frozenset({"ccpor", "ccpor-team", "ccporteam", "ccpor_team"})


@dataclass
class Mentions:
    users: list = field(default_factory=list)
    team: bool = False


def mentions_in(text: str) -> Mentions:
    """Who a text mentions: the active accounts named (user names compare without
    case; unknown names are ignored) and whether it mentions the CCPOR Team. At most
    one query."""
    handles = {m.lower() for m in MENTION.findall(text or "")}
    team = bool(handles & TEAM_HANDLES)
    names = handles - TEAM_HANDLES
    if not names:
        return Mentions(team=team)
    query = Q()
    for name in names:
        query |= Q(username__iexact=name)
    users = list(get_user_model().objects.filter(query, is_active=True))
    return Mentions(users=users, team=team)


def mentions_not_reached(text: str, *, court, internal_only: bool = False) -> list[str]:
    """The @mentions of `text` that no notification will reach, each with why, for
    its author to see at once: no such active account, no e-mail address, no access
    to the court (or, on a CCPOR-internal item, not in the CCPOR Team). Two queries
    at most."""
    handles = {m.lower() for m in MENTION.findall(text or "")} - TEAM_HANDLES
    if not handles:
        return []
    found = {u.username.lower(): u for u in mentions_in(text).users}
    ids = [u.pk for u in found.values()]
    staff = set(ccpor_staff_users().filter(pk__in=ids).values_list("pk", flat=True))
    members = set(
        Membership.objects.filter(court=court, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    missed = []
    for handle in sorted(handles):
        user = found.get(handle)
        if user is None:
            missed.append(f"@{handle}: no active account has that user name")
        elif not user.email:
            missed.append(f"@{handle}: {user} has no e-mail address")
        elif internal_only and user.pk not in staff:
            missed.append(f"@{handle}: this item is for the CCPOR Team only")
        elif user.pk not in staff and user.pk not in members:
            missed.append(f"@{handle}: {user} cannot see {court}")
    return missed

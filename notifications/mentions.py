"""@mentions in what people write: `@username` reaches that person, `@ccpor` (any
case) reaches the CCPOR Team."""

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q

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

"""Who may change which roster people: CCPOR staff every court's; a court's project
lead and the sheriff's office's liaison (or project lead) their own
organisation's people at their court. Every member of the court sees its roster
(courts.access decides who is a member); services ask `can_edit` themselves."""

from courts.access import is_ccpor_staff, membership_for
from courts.models import Membership

# The roles that keep their organisation's people on the roster.
ROSTER_KEEPERS = (Membership.Role.PROJECT_LEAD, Membership.Role.LIAISON)


def editable_organisations(user, court_id: int) -> list[str]:
    """The organisations whose people `user` may change at the court."""
    if is_ccpor_staff(user):
        return list(Membership.Organisation.values)
    membership = membership_for(user, court_id)
    if membership is None or membership.role not in ROSTER_KEEPERS:
        return []
    return [membership.organisation]


def can_edit(user, court_id: int, organisation: str) -> bool:
    return organisation in editable_organisations(user, court_id)


def can_edit_any(user, court_id: int) -> bool:
    return bool(editable_organisations(user, court_id))

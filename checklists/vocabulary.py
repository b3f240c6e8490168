"""The checklist's words: who acts on an item (actor), what kind of step it is,
whose word an item's "not applicable" stands on, when a template item applies, and
how a move of Go-Live is said. Plain choices and wording, no tables: the models,
forms, selectors and templates all use them."""

from django.db import models

from courts.models import Membership


class Actor(models.TextChoices):
    CCPOR = "ccpor", "CCPOR Team"
    COURT = "court", "Court"
    SHERIFF = "so", "Sheriff's Office"
    DOJ = "doj", "DOJ"


# The order in which items are grouped by who must act: reminders, the report, the
# dashboard's "who is blocking" columns.
ACTOR_ORDER = (Actor.COURT, Actor.SHERIFF, Actor.CCPOR, Actor.DOJ)

# The item actor that each member organisation answers for ("my items").
ACTOR_FOR_ORGANISATION = {
    Membership.Organisation.COURT: Actor.COURT,
    Membership.Organisation.SHERIFF: Actor.SHERIFF,
}
ORGANISATION_FOR_ACTOR = {a: o for o, a in ACTOR_FOR_ORGANISATION.items()}


class Kind(models.TextChoices):
    DOCUMENT = "document", "Document from the CCPOR Team"
    RESPONSE = "response", "Response back from the court"
    MEETING = "meeting", "Meeting / communication from the CCPOR Team"
    ACTIVITY = "activity", "Court/SO activity"
    TEAM_TASK = "team_task", "CCPOR Team internal task"


# A kind's wording depends on who acts: the guide's legend says "response back from
# the court" and "court/SO activity", which must not label a DOJ or SO item wrongly.
KIND_WORDING = {
    (Kind.RESPONSE, Actor.COURT): "Response back from the court",
    (Kind.RESPONSE, Actor.SHERIFF): "Response back from the sheriff's office",
    (Kind.RESPONSE, Actor.DOJ): "Response (approval) from DOJ",
    (Kind.RESPONSE, Actor.CCPOR): "Response from the CCPOR Team",
    (Kind.ACTIVITY, Actor.COURT): "Court activity",
    (Kind.ACTIVITY, Actor.SHERIFF): "Sheriff's Office activity",
    (Kind.ACTIVITY, Actor.DOJ): "DOJ activity",
    (Kind.ACTIVITY, Actor.CCPOR): "CCPOR Team activity",
}


class Justifier(models.TextChoices):
    """Whose word an item's "not applicable" stands on (`na_justified_by`)."""

    COURT = Actor.COURT.value, "Court"
    SHERIFF = Actor.SHERIFF.value, "Sheriff's Office"
    CCPOR = Actor.CCPOR.value, "CCPOR Team"
    # A recorded re-plan by CCPOR staff (`Replan`), such as a processing-model change.
    REPLAN = "replan", "Re-plan"


# What decides an item's place in the Go-Live gate (and whose word finishes it): on
# a running onboarding these change only through a recorded re-plan (`Replan`).
PLAN_FIELDS = ("is_readiness_gate", "evidence_required", "actor")


class Condition(models.TextChoices):
    ALWAYS = "always", "Always"
    COURT_ENTERS_CARPOS = "carpos", "If the court enters CARPOS"
    SO_PARTICIPATES = "so", "If the sheriff's office participates"


def slip_label(days: int) -> str:
    """A move or a slip of Go-Live in words: "27 days later", "3 days earlier"."""
    if days == 0:
        return "same day"
    plural = "s" if abs(days) != 1 else ""
    return f"{abs(days)} day{plural} {'later' if days > 0 else 'earlier'}"

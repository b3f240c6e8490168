"""The demo's rosters: who will use CCPOR at four courts, so that a newcomer sees
readiness, expiries and sustainment at work.

- Alameda (Go-Live in 55 days): certified people waiting for the train-the-trainer
  sessions (not ready: training).
- Fresno (25 days): most people ready; one never trained, one certified at Less
  Than Full Access for the Court role, one ready on an exam date within the six
  months CLETS allows; a certification expiring within 60 days. Its access item
  (23) is therefore refused until the two are ready.
- Kern (live): one certification expired, one CJIS training expiring soon.
- Marin (closed out: sustainment): last quarter's access review complete, this
  quarter's due with one person confirmed; a clerk who left, with the account
  disabled but CLETS access not yet removed.

Every person is added through the roster's services (`person_save`,
`person_mark_left`, `deprovisioning_record`, `review_confirm`). Only last
quarter's review is history: the service stamps the time it runs, so its
confirmations are then dated inside that quarter, as history.py dates the
finished onboardings. A court that already has a roster is left alone.
"""

import datetime

from django.utils import timezone

from checklists.models import ChecklistItem
from courts.models import Court
from roster.models import AccessReview, ReviewConfirmation, RosterPerson
from roster.selectors import quarter_of
from roster.services import (
    deprovisioning_record,
    person_mark_left,
    person_save,
    review_confirm,
)

DAY = datetime.timedelta(days=1)
# The default template's training sessions: 25 held by the CCPOR Team
# (train-the-trainer), 29 by the court (end-user training).
TEAM_SESSION, COURT_SESSION = 25, 29

# name, organisation, CCPOR role, CLETS level, days from today the certification
# expires (None: not certified), days from today the CJIS training expires,
# sessions attended, extra values
ROSTERS = {
    "alameda": [
        ("Dana Whitfield", "court", "court", "full", 500, 400, (), {}),
        ("Luis Ortega", "court", "query", "ltfa", 610, 610, (), {}),
        ("Deputy Rae Tan", "so", "query", "ltfa", 300, 300, (), {}),
    ],
    "fresno": [
        ("Priya Natarajan", "court", "supervisor", "full", 520, 520, (25, 29), {}),
        ("Tom Becker", "court", "court", "full", 45, 400, (29,), {}),
        ("Grace Liu", "court", "court", "ltfa", 600, 600, (29,), {}),
        ("Omar Haddad", "court", "query", "ltfa", 380, 380, (), {}),
        (
            "Ines Ruiz",
            "court",
            "court",
            "full",
            None,
            700,
            (29,),
            {"clets_assigned_on": -60, "clets_exam_on": 10},
        ),
        ("Deputy Carl Moss", "so", "query", "ltfa", 430, 430, (29,), {}),
    ],
    "kern": [
        ("Hannah Cole", "court", "admin", "ltfa", 300, 300, (25,), {}),
        ("Ray Dominguez", "court", "court", "full", -12, 200, (29,), {}),
        ("Nadia Park", "court", "court", "full", 420, 50, (29,), {}),
        ("Deputy Ann Yates", "so", "query", "ltfa", 250, 250, (29,), {}),
    ],
    "marin": [
        ("Beth Larsen", "court", "supervisor", "full", 400, 400, (25, 29), {}),
        ("Victor Chen", "court", "court", "full", 330, 330, (29,), {}),
        ("Sofia Reyes", "court", "court", "full", 280, 280, (29,), {}),
        ("Deputy Joe Park", "so", "query", "ltfa", 360, 360, (29,), {}),
        ("Paul Ingram", "court", "court", "full", 450, 450, (29,), {}),
    ],
}
SUSTAINMENT = "marin"
LEAVER = "Paul Ingram"
CONFIRMED_THIS_QUARTER = "Beth Larsen"


def _email(name: str, slug: str) -> str:
    words = name.lower().replace("deputy ", "").split()
    return f"{words[0]}.{words[-1]}@{slug}.example.org"


def seed_rosters(*, today: datetime.date, by, users: dict) -> int:
    """Seed the rosters of the courts that have none; how many people were added.
    Each organisation's people are kept by its demo keeper (the court's project
    lead, the sheriff's liaison), CCPOR staff (`by`) where a court has none."""
    added = 0
    for slug, people in ROSTERS.items():
        court = Court.objects.filter(slug=slug).first()
        if court is None or court.roster.exists():
            continue
        keepers = {
            "court": users.get(f"{slug}.lead", by),
            "so": users.get(f"{slug}.sheriff", by),
        }
        sessions = {
            item.order: item
            for item in ChecklistItem.objects.filter(
                onboarding__court=court, is_training=True
            )
        }
        for row in people:
            _person(court, row, sessions=sessions, today=today, by=keepers[row[1]])
            added += 1
        if slug == SUSTAINMENT:
            _sustainment(court, today=today, keepers=keepers)
    return added


def _person(court, row, *, sessions, today, by) -> RosterPerson:
    name, organisation, role, level, clets, cjis, attended, extra = row
    values = {
        "name": name,
        "email": _email(name, court.slug),
        "organisation": organisation,
        "ccpor_role": role,
        "clets_level": level,
        "cjis_completed_on": today + (cjis - 730) * DAY,
        "cjis_expires_on": today + cjis * DAY,
        "account_requested_on": today - 40 * DAY,
        **{key: today + days * DAY for key, days in extra.items()},
    }
    if clets is not None:
        values["clets_certified_on"] = today + (clets - 730) * DAY
        values["clets_expires_on"] = today + clets * DAY
    if court.slug in ("kern", "marin"):
        values["account_granted_on"] = today - 30 * DAY
    trainings = [sessions[order] for order in attended if order in sessions]
    return person_save(court=court, by=by, values=values, trainings=trainings or None)


def _sustainment(court, *, today: datetime.date, keepers: dict) -> None:
    """Last quarter's review complete (dated inside it), a leaver half
    deprovisioned, this quarter's review begun."""
    last_quarter = quarter_of(quarter_of(today) - DAY)
    people = list(court.roster.order_by("name"))
    for person in people:
        review_confirm(
            person=person,
            by=keepers[person.organisation],
            still_needs_access=True,
            today=last_quarter,
        )
    confirmed_at = timezone.make_aware(
        datetime.datetime.combine(last_quarter + 75 * DAY, datetime.time(10))
    )
    review = AccessReview.objects.get(court=court, quarter=last_quarter)
    ReviewConfirmation.objects.filter(review=review).update(confirmed_at=confirmed_at)
    AccessReview.objects.filter(pk=review.pk).update(completed_at=confirmed_at)

    leaver = court.roster.get(name=LEAVER)
    left_on = max(quarter_of(today), today - 10 * DAY)
    by = keepers[leaver.organisation]
    deprovisioning = person_mark_left(person=leaver, by=by, left_on=left_on)
    deprovisioning_record(deprovisioning=deprovisioning, step="account", by=by)

    review_confirm(
        person=court.roster.get(name=CONFIRMED_THIS_QUARTER),
        by=by,
        still_needs_access=True,
        today=today,
        note="Still supervises the sealed-order queue.",
    )

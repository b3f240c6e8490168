"""Readiness to go live and to close out, of one or many onboardings (a fixed number
of queries however many), and the dashboard's readiness panel."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.urls import reverse

from ccpor_onboard.lib.dates import today_in_california
from checklists.models import Actor, ChecklistItem, GoLiveChange, Onboarding
from collaboration.models import Evidence
from courts.models import Court
from roster.selectors import readiness_day, roster_counts

from ..models import (
    GoNoGoDecision,
    Incident,
    SignOff,
    SignOffKind,
    SignOffRequest,
    unresolved_q,
)
from ..readiness import Readiness, Wait, close_readiness, live_readiness

# The readiness summary is shown for active onboardings this close to Go-Live (or
# past it): on the court page and on the dashboard.
READINESS_WINDOW_DAYS = 30


def _with_evidence_flag(items: QuerySet[ChecklistItem]) -> QuerySet[ChecklistItem]:
    return items.annotate(
        has_evidence=Exists(Evidence.objects.filter(item=OuterRef("pk")))
    ).order_by("onboarding_id", "order")


def _by_onboarding(rows: Iterable, attr: str = "onboarding_id") -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attr)].append(row)
    return grouped


def _decisions(where: dict) -> QuerySet[GoNoGoDecision]:
    """Newest first (Meta.ordering), each knowing whether Go-Live moved after it
    was taken (`go_live_moved_since`): a "go" holds only until then."""
    moved = GoLiveChange.objects.filter(
        onboarding_id=OuterRef("onboarding_id"), changed_at__gt=OuterRef("decided_at")
    )
    return (
        GoNoGoDecision.objects.filter(**where)
        .annotate(go_live_moved_since=Exists(moved))
        .select_related("decided_by")
    )


def _latest(decisions: Iterable[GoNoGoDecision]) -> dict[int, GoNoGoDecision]:
    latest: dict[int, GoNoGoDecision] = {}
    for decision in decisions:
        latest.setdefault(decision.onboarding_id, decision)
    return latest


def latest_decisions(onboarding_ids: list[int]) -> dict[int, GoNoGoDecision]:
    """The latest go/no-go decision of each onboarding (one query)."""
    return _latest(_decisions({"onboarding_id__in": onboarding_ids}))


def _sign_off_querysets(where: dict, kind: str) -> tuple[QuerySet, QuerySet]:
    """The standing sign-offs and the requests of one kind of the onboardings
    `where` selects (a filter on `onboarding_id`)."""
    return (
        SignOff.objects.standing()
        .filter(**where, kind=kind)
        .select_related("signed_by"),
        SignOffRequest.objects.filter(**where, kind=kind).select_related("asked"),
    )


def _live_querysets(where: dict) -> tuple[QuerySet, ...]:
    """What readiness to go live reads of the onboardings `where` selects (a filter
    on `onboarding_id`): the gates and finished evidence items, the standing acceptance
    sign-offs, the requests, the go/no-go decisions."""
    items = _with_evidence_flag(
        ChecklistItem.objects.filter(**where)
        .filter(
            Q(is_readiness_gate=True)
            | Q(evidence_required=True, status__in=ChecklistItem.FINISHED_STATUSES)
        )
        # What golive.readiness reads of an item (the dashboard reads ten
        # onboardings' worth on every request).
        .only(
            "onboarding_id",
            "order",
            "title",
            "status",
            "na_justification",
            "na_justified_by",
            "actor",
            "is_readiness_gate",
            "evidence_required",
            "internal_only",
        )
    )
    return (
        items,
        *_sign_off_querysets(where, SignOffKind.ACCEPTANCE),
        _decisions(where),
        _open_dependencies(where),
    )


def _open_dependencies(where: dict) -> QuerySet:
    """Every "waits for an open item" link of the onboardings `where` selects: the
    waiting item, and the open item it waits for with whose it is (one query), for
    the gates' chains (`golive.readiness.wait_chain`)."""
    links = ChecklistItem.depends_on.through.objects.filter(
        **{f"from_checklistitem__{k}": v for k, v in where.items()},
        to_checklistitem__status__in=ChecklistItem.OPEN_STATUSES,
    )
    return links.values_list(
        "from_checklistitem__onboarding_id",
        "from_checklistitem_id",
        "to_checklistitem_id",
        "to_checklistitem__order",
        "to_checklistitem__title",
        "to_checklistitem__actor",
        "to_checklistitem__internal_only",
    ).order_by("to_checklistitem__order")


def _chains(links) -> dict[int, tuple[dict, dict]]:
    """By onboarding: (open item pk -> Wait, item pk -> its open dependencies)."""
    by_onboarding: dict[int, tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    for onboarding_id, waiting, pk, order, title, actor, internal in links:
        waits, direct = by_onboarding[onboarding_id]
        waits[pk] = Wait(
            order=order,
            title=title,
            actor_label=Actor(actor).label,
            internal=internal,
        )
        direct[waiting] = (*direct.get(waiting, ()), pk)
    return by_onboarding


def _close_querysets(where: dict) -> tuple[QuerySet, ...]:
    """What readiness to be closed reads of the onboardings `where` selects: the
    open and finished evidence items, the standing close-out sign-offs, the requests,
    the unresolved serious incidents."""
    items = _with_evidence_flag(
        ChecklistItem.objects.filter(**where).filter(
            Q(status__in=ChecklistItem.OPEN_STATUSES)
            | Q(evidence_required=True, status__in=ChecklistItem.FINISHED_STATUSES)
        )
    )
    incidents = Incident.objects.filter(
        unresolved_q(), **where, severity__in=Incident.SERIOUS
    ).order_by("reported_at", "id")
    return (items, *_sign_off_querysets(where, SignOffKind.CLOSE_OUT), incidents)


def _live_readiness(onboardings, items, standing, requests, decisions, links) -> dict:
    items, standing, requests = (
        _by_onboarding(rows) for rows in (items, standing, requests)
    )
    decisions, chains = _latest(decisions), _chains(links)
    return {
        o.pk: live_readiness(
            o,
            items=items.get(o.pk, []),
            standing=standing.get(o.pk, []),
            requests=requests.get(o.pk, []),
            decision=decisions.get(o.pk),
            waits=chains[o.pk][0],
            direct=chains[o.pk][1],
        )
        for o in onboardings
    }


def _close_readiness(onboardings, items, standing, requests, incidents) -> dict:
    items, standing, requests, incidents = (
        _by_onboarding(rows) for rows in (items, standing, requests, incidents)
    )
    return {
        o.pk: close_readiness(
            o,
            items=items.get(o.pk, []),
            standing=standing.get(o.pk, []),
            requests=requests.get(o.pk, []),
            serious_incidents=incidents.get(o.pk, []),
        )
        for o in onboardings
    }


def live_readiness_for(
    onboardings: Iterable[Onboarding], *, chains: bool = True
) -> dict[int, Readiness]:
    """Readiness to go live of each onboarding, by id: six queries in all (five
    with `chains=False`, for a reader that counts blockers and shows no words: the
    gates then do not say what they wait for). The onboardings carry their court."""
    onboardings = list(onboardings)
    ids = [o.pk for o in onboardings]
    if not ids:
        return {}
    *querysets, links = _live_querysets({"onboarding_id__in": ids})
    return _with_roster(
        onboardings, _live_readiness(onboardings, *querysets, links if chains else [])
    )


def close_readiness_for(onboardings: Iterable[Onboarding]) -> dict[int, Readiness]:
    """Readiness to be closed of each onboarding, by id: five queries in all."""
    onboardings = list(onboardings)
    ids = [o.pk for o in onboardings]
    if not ids:
        return {}
    return _with_roster(
        onboardings,
        _close_readiness(onboardings, *_close_querysets({"onboarding_id__in": ids})),
    )


def _with_roster(onboardings, readiness: dict[int, Readiness]) -> dict:
    """Each readiness with its court's roster count (one query for them all),
    judged on the Go-Live date (today once it has passed)."""
    today = today_in_california()
    counts = roster_counts(
        {o.court_id: readiness_day(o.go_live_date, today) for o in onboardings},
        today=today,
    )
    for onboarding in onboardings:
        readiness[onboarding.pk].roster = counts[onboarding.court_id]
    return readiness


def readiness_for(onboarding: Onboarding) -> Readiness | None:
    """The gate an onboarding faces next: going live while active, the close-out
    while live; None for a closed or cancelled one. Five or six queries."""
    if onboarding.status == Onboarding.Status.ACTIVE:
        return live_readiness_for([onboarding])[onboarding.pk]
    if onboarding.status == Onboarding.Status.LIVE:
        return close_readiness_for([onboarding])[onboarding.pk]
    return None


def in_readiness_window(onboarding: Onboarding, *, today: datetime.date) -> bool:
    """Active, with Go-Live at most READINESS_WINDOW_DAYS away (or passed)."""
    return onboarding.status == Onboarding.Status.ACTIVE and (
        (onboarding.go_live_date - today).days <= READINESS_WINDOW_DAYS
    )


def readiness_window_last(today: datetime.date) -> datetime.date:
    """The last Go-Live date inside the readiness window on `today`."""
    return today + datetime.timedelta(days=READINESS_WINDOW_DAYS)


def in_readiness_window_q(
    *, today: datetime.date, go_live: str = "go_live_date", active: Q | None = None
) -> Q:
    """Active onboardings with Go-Live at most READINESS_WINDOW_DAYS away (or
    passed), or rows with an onboarding's Go-Live date in the field named
    `go_live` and `active` saying which are active: the SQL twin of
    `in_readiness_window`. Of active courts only: the caller's part."""
    if active is None:
        active = Q(status=Onboarding.Status.ACTIVE)
    return active & Q(**{f"{go_live}__lte": readiness_window_last(today)})


@dataclass(frozen=True)
class ReadinessLine:
    """One onboarding of the dashboard's readiness panel."""

    court_name: str
    court_short_name: str
    court_url: str
    readiness_url: str  # the court's Go-Live page, where the blockers are listed
    go_live_date: datetime.date
    gates_done: int
    gates_total: int
    sign_offs_given: int
    sign_offs_needed: int
    sign_offs_asked: int
    blockers: int
    decision_label: str
    roster_words: str = ""


def readiness_soonest(*, today: datetime.date, limit: int) -> list[ReadinessLine]:
    """Readiness of the active onboardings of active courts inside the window, the
    soonest Go-Lives first, at most `limit` of them: the onboardings in Go-Live
    order from their index, and their readiness by the rule of `live_readiness_for`
    (a fixed number of queries however many are in the window). How many there are
    is counted with the portfolio (`in_readiness_window_q`)."""
    onboardings = list(
        Onboarding.objects.filter(in_readiness_window_q(today=today))
        .filter(court__is_active=True)
        .select_related("court")
        .order_by("go_live_date", "court__name")[:limit]
    )
    readiness = live_readiness_for(onboardings, chains=False)
    url_for = Court.url_builder()
    marker = "court-slug-marker"
    head, tail = reverse("golive:readiness", kwargs={"slug": marker}).split(marker)
    lines = []
    for onboarding in onboardings:
        court, r = onboarding.court, readiness[onboarding.pk]
        lines.append(
            ReadinessLine(
                court_name=court.name,
                court_short_name=court.short_name,
                court_url=url_for(court.slug),
                readiness_url=f"{head}{court.slug}{tail}",
                go_live_date=onboarding.go_live_date,
                gates_done=r.gates_done,
                gates_total=r.gates_total,
                sign_offs_given=r.sign_offs_given,
                sign_offs_needed=r.sign_offs_needed,
                sign_offs_asked=r.sign_offs_asked,
                blockers=len(r.blockers),
                decision_label=r.decision.get_decision_display() if r.decision else "",
                roster_words=r.roster.words() if r.roster else "",
            )
        )
    return lines

"""The two gates of the Go-Live phase, as rules over data already loaded: what must
hold before an onboarding is marked live (readiness), and before it is closed
(close-out). `golive.selectors` loads the data for one or many onboardings in a fixed
number of queries; `golive.services` refuses a transition while `blockers` is not
empty; pages and the dashboard show the same `Readiness`.

Mark live needs: every readiness-gate item done (with its document when evidence is
required) or N/A on the word of a side it needs (`checklists.access.na_stands`: a
court's or SO's gate on that side's own justification); every evidence-required
item that is finished has its document (`checklists.access.lacks_evidence`); the
acceptance sign-offs recorded; and the latest go/no-go decision "go", taken for
the current Go-Live date with no move of the date since (even one back to the same
day).

Close needs: every item finished, each evidence-required one with its document; no
P1 or P2 incident open or being investigated; the close-out sign-offs recorded.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from checklists.access import lacks_evidence, na_justifiers, na_stands
from checklists.models import ChecklistItem, Justifier, Onboarding
from roster.selectors import RosterCount

from .models import (
    GoNoGoDecision,
    Incident,
    SignOff,
    SignOffKind,
    SignOffRequest,
    SignOffRole,
    role_in_sentence,
    sign_off_roles,
)


@dataclass(frozen=True)
class Wait:
    """An open item something waits for (a dependency), and whose it is."""

    order: int
    title: str
    actor_label: str
    internal: bool
    depends_on: tuple[int, ...] = ()  # the pks of its own open dependencies

    def words(self) -> str:
        """ "item 28. Title (CCPOR Team)"; a CCPOR-internal one without its title,
        since court and SO members read the same words."""
        if self.internal:
            return f"item {self.order} (a CCPOR Team internal task)"
        return f"item {self.order}. {self.title} ({self.actor_label})"


def wait_chain(pk: int, waits: dict[int, Wait], direct: dict[int, tuple]) -> str:
    """What item `pk` waits for, in words, down the chain: "it waits for item 28.
    Title (CCPOR Team), which waits for item 27. Title (DOJ)"; "" when it waits
    for nothing open. `direct`: item pk -> the pks of its open dependencies."""
    seen: set[int] = set()
    parts: list[str] = []
    level = list(direct.get(pk, ()))
    while level:
        fresh = [p for p in level if p not in seen and p in waits]
        if not fresh:
            break
        seen.update(fresh)
        words = " and ".join(waits[p].words() for p in fresh)
        parts.append(words)
        level = [d for p in fresh for d in direct.get(p, ())]
    if not parts:
        return ""
    return "it waits for " + ", which waits for ".join(parts)


@dataclass(frozen=True)
class Blocker:
    """One thing that stands in the way, in words, with the page that fixes it."""

    kind: str  # "gate", "evidence", "item", "sign_off", "decision", "incident"
    message: str
    url: str = ""
    # A CCPOR-internal item: court and SO members see that one is open, not which.
    internal: bool = False


@dataclass
class SignOffLine:
    """One role's sign-off of one kind: given (standing) or not, and who was asked."""

    role: str
    sign_off: SignOff | None = None
    asked: list[SignOffRequest] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return SignOffRole(self.role).label

    @property
    def role_in_sentence(self) -> str:
        return role_in_sentence(self.role)

    @property
    def is_given(self) -> bool:
        return self.sign_off is not None


@dataclass
class Readiness:
    """Where an onboarding stands against one gate ("live" or "close")."""

    onboarding: Onboarding
    gate: str  # "live" or "close"
    sign_off_kind: str
    sign_offs: list[SignOffLine]
    blockers: list[Blocker]
    gates_total: int = 0
    gates_done: int = 0
    decision: GoNoGoDecision | None = None
    # Who will use CCPOR at the court, and how many are ready (shown, not a
    # blocker: the item that grants CCPOR accounts waits for them).
    roster: RosterCount | None = None

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def sign_offs_needed(self) -> int:
        return len(self.sign_offs)

    @property
    def sign_offs_given(self) -> int:
        return sum(1 for line in self.sign_offs if line.is_given)

    @property
    def sign_offs_asked(self) -> int:
        """Sign-offs asked of someone and not yet given."""
        return sum(1 for line in self.sign_offs if line.asked and not line.is_given)

    def snapshot(self, *, at: datetime.datetime) -> dict:
        """What the go/no-go record keeps of this moment (JSON)."""
        return {
            "at": at.isoformat(),
            "go_live_date": self.onboarding.go_live_date.isoformat(),
            "gates": {"done": self.gates_done, "total": self.gates_total},
            "sign_offs": {
                "given": self.sign_offs_given,
                "needed": self.sign_offs_needed,
                "asked": self.sign_offs_asked,
                "roles": {
                    line.role: (
                        {
                            "by": line.sign_off.signer_name,
                            "at": line.sign_off.signed_at.isoformat(),
                        }
                        if line.sign_off
                        else None
                    )
                    for line in self.sign_offs
                },
            },
            "blockers": [b.message for b in self.blockers],
        }


# --- The rules ---------------------------------------------------------------------


def gate_is_finished(item: ChecklistItem) -> bool:
    """A readiness gate is finished when done or not applicable on the word of a
    side it needs, with its document where evidence is required."""
    if lacks_evidence(item):
        return False
    return item.status == ChecklistItem.Status.DONE or na_stands(item)


# A pk no item has: its URL is reversed once per onboarding and the real pk put in.
_PK_MARKER = 987654321


def _item_url(onboarding: Onboarding, item: ChecklistItem) -> str:
    """The item page's URL, with one reverse() per onboarding (kept on the instance,
    for this read only), not one per blocker."""
    pattern = getattr(onboarding, "_item_url_pattern", None)
    if pattern is None:
        pattern = onboarding._item_url_pattern = reverse(
            "checklists:item_detail",
            kwargs={"slug": onboarding.court.slug, "pk": _PK_MARKER},
        )
    return pattern.replace(str(_PK_MARKER), str(item.pk))


def _court_url(onboarding: Onboarding, name: str) -> str:
    return reverse(name, kwargs={"slug": onboarding.court.slug})


def _evidence_blockers(
    onboarding: Onboarding, items: Iterable[ChecklistItem]
) -> list[Blocker]:
    return [
        Blocker(
            kind="evidence",
            message=(
                f"{item.order}. {item.title} is "
                f"{item.get_status_display().lower()} but has no document "
                "(evidence required)."
            ),
            url=_item_url(onboarding, item),
            internal=item.internal_only,
        )
        for item in items
        if lacks_evidence(item)
    ]


def sign_off_lines(
    onboarding: Onboarding,
    kind: str,
    *,
    standing: Iterable[SignOff],
    requests: Iterable[SignOffRequest],
) -> list[SignOffLine]:
    """The roles this onboarding needs for `kind`, each with its standing sign-off
    and the requests still waiting for it."""
    lines = {role: SignOffLine(role=role) for role in sign_off_roles(onboarding)}
    for sign_off in standing:
        if sign_off.kind == kind and sign_off.role in lines:
            lines[sign_off.role].sign_off = sign_off
    for request in requests:
        line = lines.get(request.role)
        if request.kind == kind and line is not None and not line.is_given:
            line.asked.append(request)
    return list(lines.values())


def _sign_off_blockers(
    onboarding: Onboarding, kind: str, lines: list[SignOffLine]
) -> list[Blocker]:
    label = SignOffKind(kind).label.lower()
    blockers = []
    for line in lines:
        if line.is_given:
            continue
        asked = ", ".join(sorted({str(r.asked) for r in line.asked}))
        blockers.append(
            Blocker(
                kind="sign_off",
                message=(
                    f"The {label} sign-off of the {line.role_in_sentence} is "
                    f"missing{f' (asked of {asked})' if asked else ''}."
                ),
                url=_court_url(onboarding, "golive:sign_offs"),
            )
        )
    return blockers


def _decision_blocker(
    onboarding: Onboarding, decision: GoNoGoDecision | None
) -> Blocker | None:
    url = _court_url(onboarding, "golive:decision")
    if decision is None:
        return Blocker(
            kind="decision",
            message="No go/no-go decision has been recorded.",
            url=url,
        )
    when = f"{timezone.localtime(decision.decided_at):%b %-d, %Y}"
    if decision.decision == GoNoGoDecision.Decision.NO_GO:
        return Blocker(
            kind="decision",
            message=f"The go/no-go decision of {when} is no-go: {decision.reason}",
            url=url,
        )
    if decision.decision == GoNoGoDecision.Decision.POSTPONE:
        return Blocker(
            kind="decision",
            message=(
                f"The go/no-go decision of {when} postponed Go-Live; no go decision "
                "has been recorded since."
            ),
            url=url,
        )
    if decision.go_live_date != onboarding.go_live_date:
        return Blocker(
            kind="decision",
            message=(
                f"The go decision of {when} was for Go-Live on "
                f"{decision.go_live_date:%b %-d, %Y}; Go-Live is now "
                f"{onboarding.go_live_date:%b %-d, %Y}: decide again."
            ),
            url=url,
        )
    if decision.go_live_moved_since:
        return Blocker(
            kind="decision",
            message=(
                f"Go-Live was moved after the go decision of {when}: a go holds for "
                "the date it was taken for, until the date moves. Decide again."
            ),
            url=url,
        )
    return None


def _gate_message(item: ChecklistItem, chain: str) -> str:
    state = f"Readiness gate {item.order}. {item.title} is {_gate_state(item)}"
    return f"{state}; {chain}." if chain else f"{state}."


def live_readiness(
    onboarding: Onboarding,
    *,
    items: list[ChecklistItem],
    standing: Iterable[SignOff],
    requests: Iterable[SignOffRequest],
    decision: GoNoGoDecision | None,
    waits: dict[int, Wait] | None = None,
    direct: dict[int, tuple] | None = None,
) -> Readiness:
    """Readiness to be marked live. `items`: the onboarding's readiness gates and its
    finished evidence-required items, each with `has_evidence`; `waits` and
    `direct`: its open items that others wait for, and who waits for which (see
    `wait_chain`), so that a gate says what it waits for."""
    waits, direct = waits or {}, direct or {}
    gates = [i for i in items if i.is_readiness_gate]
    blockers = [
        Blocker(
            kind="gate",
            message=_gate_message(item, wait_chain(item.pk, waits, direct)),
            url=_item_url(onboarding, item),
            internal=item.internal_only,
        )
        for item in gates
        if not gate_is_finished(item) and not lacks_evidence(item)
    ]
    blockers += _evidence_blockers(onboarding, items)
    lines = sign_off_lines(
        onboarding, SignOffKind.ACCEPTANCE, standing=standing, requests=requests
    )
    blockers += _sign_off_blockers(onboarding, SignOffKind.ACCEPTANCE, lines)
    decision_blocker = _decision_blocker(onboarding, decision)
    if decision_blocker:
        blockers.append(decision_blocker)
    return Readiness(
        onboarding=onboarding,
        gate="live",
        sign_off_kind=SignOffKind.ACCEPTANCE,
        sign_offs=lines,
        blockers=blockers,
        gates_total=len(gates),
        gates_done=sum(1 for i in gates if gate_is_finished(i)),
        decision=decision,
    )


def _gate_state(item: ChecklistItem) -> str:
    if item.status != ChecklistItem.Status.NOT_APPLICABLE:
        return item.get_status_display().lower()
    if not item.na_justification.strip():
        return "N/A without a justification"
    needed = " or the ".join(
        Justifier(side).label
        for side in na_justifiers(item)
        if side != Justifier.REPLAN
    )
    given = item.get_na_justified_by_display() or "nobody recorded"
    return f"N/A without a justification of the {needed} (given by: {given})"


def close_readiness(
    onboarding: Onboarding,
    *,
    items: list[ChecklistItem],
    standing: Iterable[SignOff],
    requests: Iterable[SignOffRequest],
    serious_incidents: Iterable[Incident],
) -> Readiness:
    """Readiness to be closed. `items`: the onboarding's open items and its finished
    evidence-required items, each with `has_evidence`; `serious_incidents`: its P1
    and P2 incidents not yet resolved."""
    blockers = [
        Blocker(
            kind="item",
            message=(
                f"{item.order}. {item.title} is {item.get_status_display().lower()}."
            ),
            url=_item_url(onboarding, item),
            internal=item.internal_only,
        )
        for item in items
        if item.is_open
    ]
    blockers += _evidence_blockers(onboarding, items)
    blockers += [
        Blocker(
            kind="incident",
            message=(
                f"Incident #{incident.pk} ({incident.severity}) “{incident.title}” "
                f"is {incident.get_status_display().lower()}."
            ),
            url=reverse(
                "golive:incident_detail",
                kwargs={"slug": onboarding.court.slug, "pk": incident.pk},
            ),
        )
        for incident in serious_incidents
    ]
    lines = sign_off_lines(
        onboarding, SignOffKind.CLOSE_OUT, standing=standing, requests=requests
    )
    blockers += _sign_off_blockers(onboarding, SignOffKind.CLOSE_OUT, lines)
    return Readiness(
        onboarding=onboarding,
        gate="close",
        sign_off_kind=SignOffKind.CLOSE_OUT,
        sign_offs=lines,
        blockers=blockers,
    )

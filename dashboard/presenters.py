"""The portfolio as the dashboard, the statewide view and the exports show it: rows
built from the annotated courts of `dashboard.selectors`, with their wording."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from checklists.health import HEALTH_BY_RANK, Health
from checklists.marks import Mark, next_mark
from checklists.models import Onboarding, Phase
from checklists.selectors import Progress
from courts.models import Court

from .selectors import BLOCKING_ACTORS, PortfolioStatus


@dataclass(frozen=True)
class PortfolioRow:
    """One court of the portfolio, ready to show or export."""

    court: Court
    status: str
    ob_status: str | None
    go_live: datetime.date | None
    days_to_go_live: int | None
    next_mark: Mark | None
    phase: Phase | None
    progress: Progress
    overdue: int
    blocked: int
    health: str
    open_by_actor: dict[str, int]
    no_one_to_remind: bool = False

    @property
    def status_label(self) -> str:
        if self.ob_status == Onboarding.Status.CANCELLED:
            return "Cancelled"
        if self.ob_status == Onboarding.Status.CLOSED:
            return "Live (closed out)"
        return PortfolioStatus.LABELS[self.status]

    @property
    def health_label(self) -> str:
        return Health.LABELS.get(self.health, "")

    @property
    def is_open(self) -> bool:
        """An open (active or live) onboarding: the only kind with figures."""
        return self.go_live is not None

    @property
    def phase_label(self) -> str:
        if not self.is_open:
            return ""
        return self.phase.name if self.phase else "All items finished"

    @property
    def tile_status(self) -> str:
        """The one word a statewide tile is coloured by: the health of an active
        onboarding, else the programme status."""
        return self.health or self.status


def portfolio_rows(
    courts: Iterable[Court], *, today: datetime.date, phases_by_order: dict[int, Phase]
) -> list[PortfolioRow]:
    """Turn annotated courts (from `portfolio_courts`) into rows; no queries."""
    rows = []
    for court in courts:
        is_open = court.go_live is not None  # only an open onboarding is measured
        rows.append(
            PortfolioRow(
                court=court,
                status=PortfolioStatus.of(court.ob_status),
                ob_status=court.ob_status,
                go_live=court.go_live,
                days_to_go_live=(court.go_live - today).days if is_open else None,
                next_mark=(
                    next_mark(court.go_live, today=today)
                    if court.ob_status == Onboarding.Status.ACTIVE
                    else None
                ),
                phase=phases_by_order.get(getattr(court, "phase_order", None)),
                progress=Progress(
                    finished=getattr(court, "finished", 0),
                    total=getattr(court, "total", 0),
                ),
                overdue=getattr(court, "overdue", 0),
                blocked=getattr(court, "blocked", 0),
                health=HEALTH_BY_RANK.get(court.health_rank, ""),
                open_by_actor={
                    actor: getattr(court, f"open_{actor}", 0)
                    for actor in BLOCKING_ACTORS
                },
                no_one_to_remind=getattr(court, "no_one_to_remind", False),
            )
        )
    return rows

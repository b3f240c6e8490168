"""Lead times learned from finished onboardings: for each item of a template, how
long it actually took (from when it could start to done, `selectors.
item_durations`) beside the time the template allows, and the offset that would
allow the median (docs/planning.md).

The time the template allows an item: its offset less the latest offset of the
items it depends on, or, without any, less the template's earliest offset (the
plan's first day; only indicative, since an onboarding may start before it, and
no offset is proposed for such an item).
"""

import statistics
from dataclasses import dataclass

from checklists.models import ChecklistTemplate

from .selectors import item_durations

# A proposal needs this many courts' figures, and a median this many days away
# from what the template allows.
MIN_COURTS = 3
MIN_DIFFERENCE_DAYS = 7


@dataclass(frozen=True)
class LeadTime:
    order: int
    title: str
    offset: int
    allowed_days: int
    courts: int
    median_days: int | None
    low_days: int | None  # the quartiles: half the figures lie between them
    high_days: int | None
    # Without prerequisites an item can start when its onboarding starts, which
    # the template does not fix: what it allows is only indicative, and nothing is
    # proposed for it.
    has_prerequisites: bool = True

    @property
    def proposed_offset(self) -> int | None:
        """The offset that would allow the median, when enough courts differ
        enough from the plan (an item due before Go-Live stays before it)."""
        if (
            self.median_days is None
            or self.courts < MIN_COURTS
            or not self.has_prerequisites
        ):
            return None
        difference = self.median_days - self.allowed_days
        if abs(difference) < MIN_DIFFERENCE_DAYS:
            return None
        proposed = self.offset + difference
        if self.offset <= 0:
            proposed = min(proposed, 0)
        return proposed if proposed != self.offset else None

    @property
    def sentence(self) -> str:
        allows = f"{self.title}: the template allows {self.allowed_days} days"
        if self.median_days is None:
            return f"{allows}; no finished onboarding has timed it yet."
        courts = f"{self.courts} court{'s' if self.courts != 1 else ''}"
        return (
            f"{allows}; {courts} took a median of {self.median_days} "
            f"(half between {self.low_days} and {self.high_days})."
        )


def _quartiles(values: list[int]) -> tuple[int, int, int]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    low, mid, high = statistics.quantiles(values, n=4, method="inclusive")
    return round(low), round(mid), round(high)


def lead_times(template: ChecklistTemplate) -> list[LeadTime]:
    """Every item of the template, in order, with what was learned of it. Three
    queries (the template's items and dependencies, the finished items' dates)."""
    items = list(template.items.prefetch_related("depends_on").order_by("order"))
    if not items:
        return []
    first = min(t.offset_days for t in items)
    pooled = item_durations()
    taken: dict[int, list[int]] = {}
    courts: dict[int, set[int]] = {}
    for court_id, by_order in pooled.items():
        for order, days in by_order.items():
            taken.setdefault(order, []).extend(days)
            courts.setdefault(order, set()).add(court_id)
    result = []
    for t in items:
        needs = [d.offset_days for d in t.depends_on.all()]
        allowed = t.offset_days - (max(needs) if needs else first)
        figures = sorted(taken.get(t.order, []))
        low = mid = high = None
        if figures:
            low, mid, high = _quartiles(figures)
        result.append(
            LeadTime(
                order=t.order,
                title=t.title,
                offset=t.offset_days,
                allowed_days=allowed,
                courts=len(courts.get(t.order, ())),
                median_days=mid,
                low_days=low,
                high_days=high,
                has_prerequisites=bool(needs),
            )
        )
    return result


def lead_time_of(template: ChecklistTemplate, order: int) -> LeadTime | None:
    return next((lt for lt in lead_times(template) if lt.order == order), None)

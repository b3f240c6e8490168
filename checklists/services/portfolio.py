"""The portfolio's one row per court (`PortfolioRow`), rewritten from its sources.

`portfolio_rows_refresh` is called in the transaction of every change to what a row
copies: by `onboarding_summaries_refresh` (every write to the items, the Go-Live
transitions, the people who can be reminded), and on every save or delete of a court
or an onboarding (checklists/receivers.py). Like the summary, it recomputes whole
rows, never an increment that could drift.
"""

from collections import defaultdict
from collections.abc import Iterable

from courts.models import Court

from ..models import ACTOR_ORDER, Onboarding, PortfolioRow

# Courts refreshed per batch of statements (seed_scale refreshes thousands).
BATCH_SIZE = 1000
# What a row copies of the court.
COURT_FIELDS = ("name", "slug", "county", "court_type", "district", "is_active")
# What a row copies of its open onboarding's summary.
SUMMARY_FIELDS = (
    "total",
    "finished",
    "blocked",
    *(f"open_{actor}" for actor in ACTOR_ORDER),
    "phase_order",
    "oldest_open_due",
    *(f"open_due_{actor}" for actor in ACTOR_ORDER),
    "reminder_recipients",
)
# Without an open onboarding (or before its summary is written).
NO_SUMMARY = {
    **{name: 0 for name in SUMMARY_FIELDS},
    "phase_order": None,
    "oldest_open_due": None,
    **{f"open_due_{actor}": [] for actor in ACTOR_ORDER},
}
ROW_FIELDS = (
    *COURT_FIELDS,
    "search",
    "ob",
    "ob_status",
    "stage",
    "go_live",
    *SUMMARY_FIELDS,
)


def search_text(name: str, county: str) -> str:
    """What the portfolio's name search looks in: the name and the county, lower
    case, on two lines (a search for text without a line break matches within one
    of them, as a search of each would)."""
    return f"{name}\n{county}".lower()


def ob_status_of(open_status: str | None, ended: set[str]) -> str | None:
    """Where a court stands: its open onboarding's status, else closed (it went
    live) if one was closed out, else cancelled if one was, else None."""
    if open_status is not None:
        return open_status
    for status in (Onboarding.Status.CLOSED, Onboarding.Status.CANCELLED):
        if status in ended:
            return status
    return None


def portfolio_row_values(court: dict, onboarding: dict | None, ended: set[str]) -> dict:
    """A court's portfolio row, field by field, from the court's values ("pk" and
    COURT_FIELDS), its open onboarding's ("pk", "status", "go_live_date" and
    "summary__" each of SUMMARY_FIELDS), if it has one, and the statuses of its
    closed or cancelled onboardings (the migration that made the table uses it
    too)."""
    summary = dict(NO_SUMMARY)
    if onboarding is not None and onboarding["summary__total"] is not None:
        summary = {name: onboarding[f"summary__{name}"] for name in SUMMARY_FIELDS}
    ob_status = ob_status_of(onboarding["status"] if onboarding else None, ended)
    return {
        "court_id": court["pk"],
        **{name: court[name] for name in COURT_FIELDS},
        "search": search_text(court["name"], court["county"]),
        "ob_id": onboarding["pk"] if onboarding else None,
        "ob_status": ob_status,
        "stage": PortfolioRow.STAGE_OF[ob_status],
        "go_live": onboarding["go_live_date"] if onboarding else None,
        **summary,
    }


def portfolio_rows_refresh(*, court_ids: Iterable[int]) -> None:
    """Rewrite the portfolio rows of these courts from the courts, their onboardings
    and the open ones' summaries: four statements per thousand courts. Courts that
    no longer exist are skipped (their row went with them). Call it inside the
    transaction that changed a source."""
    ids = sorted(set(court_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        courts = Court.objects.filter(pk__in=batch).values("pk", *COURT_FIELDS)
        current = {
            row["court_id"]: row
            for row in Onboarding.objects.filter(
                court_id__in=batch, status__in=Onboarding.OPEN_STATUSES
            ).values(
                "court_id",
                "pk",
                "status",
                "go_live_date",
                *(f"summary__{name}" for name in SUMMARY_FIELDS),
            )
        }
        ended: dict[int, set[str]] = defaultdict(set)
        for court_id, status in (
            Onboarding.objects.filter(
                court_id__in=batch,
                status__in=(Onboarding.Status.CLOSED, Onboarding.Status.CANCELLED),
            )
            .order_by()
            .values_list("court_id", "status")
            .distinct()
        ):
            ended[court_id].add(status)
        rows = [
            PortfolioRow(
                **portfolio_row_values(
                    court, current.get(court["pk"]), ended[court["pk"]]
                )
            )
            for court in courts
        ]
        PortfolioRow.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["court"],
            update_fields=list(ROW_FIELDS),
        )

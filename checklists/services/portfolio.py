"""The portfolio's one row per court (`PortfolioRow`), rewritten from its sources.

`portfolio_rows_refresh` is called in the transaction of every change to what a row
copies: by `onboarding_summaries_refresh` (every write to the items, the Go-Live
transitions, the people who can be reminded), and on every save or delete of a court
or an onboarding (checklists/receivers.py). Like the summary, it recomputes whole
rows, never an increment that could drift.

The tally of the rows' facts (`PortfolioTally`, `checklists.tally`) changes by what
each rewrite changes, in the same transaction, with the rows locked while it is
worked out; `portfolio_tally_rebuild` counts it afresh from the rows.
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction

from courts.models import Court

from .. import tally
from ..models import ACTOR_ORDER, Onboarding, PortfolioRow, PortfolioTally

logger = logging.getLogger(__name__)

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
    # All or nothing (no savepoint of its own inside the caller's transaction).
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ids), BATCH_SIZE):
            _refresh_batch(ids[start : start + BATCH_SIZE])


def _refresh_batch(batch: list[int]) -> None:
    # The rows as they are, locked (in key order) before their sources are read, so
    # that a rewrite running at once waits and then starts from this one's rows.
    before = tally.rows_facts(
        PortfolioRow.objects.select_for_update()
        .filter(court_id__in=batch)
        .order_by("court_id")
        .values(*tally.TALLY_FIELDS)
    )
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
            **portfolio_row_values(court, current.get(court["pk"]), ended[court["pk"]])
        )
        for court in courts
    ]
    PortfolioRow.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["court"],
        update_fields=list(ROW_FIELDS),
    )
    after = tally.rows_facts(
        {name: getattr(row, name) for name in tally.TALLY_FIELDS} for row in rows
    )
    _tally_add(tally.difference(before, after))


def portfolio_row_delete(*, court_id: int) -> None:
    """Delete a court's portfolio row (with the court), and its facts from the
    tally, in one transaction."""
    with transaction.atomic(savepoint=False):
        rows = list(
            PortfolioRow.objects.select_for_update()
            .filter(court_id=court_id)
            .values(*tally.TALLY_FIELDS)
        )
        PortfolioRow.objects.filter(court_id=court_id).delete()
        _tally_add(tally.difference(tally.rows_facts(rows), tally.rows_facts([])))


# Tally rows written per statement.
TALLY_BATCH = 500


def _tally_add(changes: dict[tally.Fact, int]) -> None:
    """Add to the tally's counts (in fact order, so that two transactions changing
    the same counts take their locks in the same order)."""
    items = sorted(changes.items())
    table = connection.ops.quote_name(PortfolioTally._meta.db_table)
    for start in range(0, len(items), TALLY_BATCH):
        chunk = items[start : start + TALLY_BATCH]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params = [
            value
            for (fact, day), n in chunk
            for value in (
                tally.key_of(fact, day),
                fact,
                connection.ops.adapt_datefield_value(day),
                n,
            )
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (key, fact, day, n) VALUES {values} "  # noqa: S608 - our table name; values are parameters
                f"ON CONFLICT (key) DO UPDATE SET n = {table}.n + EXCLUDED.n",
                params,
            )


def portfolio_tally_rebuild(*, repair: bool = True) -> dict[tally.Fact, int]:
    """Count the tally afresh from the portfolio rows and return where the stored
    one was wrong (fact: what it was short by), writing the fresh counts if
    `repair`. Writers of the portfolio wait meanwhile (the tally is locked first,
    so the rows it counts are those their transactions left)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "LOCK TABLE "
                    + connection.ops.quote_name(PortfolioTally._meta.db_table)
                    + " IN EXCLUSIVE MODE"
                )
        stored: dict[tally.Fact, int] = {
            (fact, day): n
            for fact, day, n in PortfolioTally.objects.values_list("fact", "day", "n")
        }
        fresh = tally.rows_facts(
            PortfolioRow.objects.values(*tally.TALLY_FIELDS).iterator(chunk_size=2000)
        )
        wrong = tally.difference(Counter(stored), fresh)
        if wrong and repair:
            logger.warning("Portfolio tally repaired: %d counts were wrong", len(wrong))
            PortfolioTally.objects.all().delete()
            PortfolioTally.objects.bulk_create(
                [
                    PortfolioTally(key=tally.key_of(fact, day), fact=fact, day=day, n=n)
                    for (fact, day), n in sorted(fresh.items())
                ],
                batch_size=TALLY_BATCH,
            )
        return wrong

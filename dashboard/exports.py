"""CSV exports for the CCPOR Team: the portfolio (as filtered), every item and every
incident.

Both stream: rows are written as the database cursor yields them (a server-side
cursor on PostgreSQL), so 5,000 courts or 180,000 items never sit in memory at once,
and each export is a single query, however many rows it has.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from checklists.models import ChecklistItem, Phase
from courts.models import Court
from golive.models import Incident

from .presenters import portfolio_rows
from .selectors import BLOCKING_ACTORS

CHUNK_SIZE = 500

PORTFOLIO_HEADER = [
    "Court",
    "Slug",
    "Type",
    "District",
    "County",
    "Status",
    "Phase",
    "Progress %",
    "Items finished",
    "Items applicable",
    "Go-Live",
    "Days to go",
    "Next mark",
    "Next mark date",
    "Overdue",
    "Blocked",
    "Health",
    *(f"Open: {actor.label}" for actor in BLOCKING_ACTORS),
    "Court page",
]

ITEMS_HEADER = [
    "Court",
    "Slug",
    "Onboarding status",
    "Go-Live",
    "#",
    "Phase",
    "Item",
    "Actor",
    "Kind",
    "Owner",
    "Owner e-mail",
    "Status",
    "Due",
    "Days overdue",
    "Blocked reason",
    "N/A justification",
    "Note",
    "Completed at (Pacific)",
    "CCPOR internal",
    "Evidence required",
    "Meeting starts",
    "Item page",
]

INCIDENTS_HEADER = [
    "#",
    "Court",
    "Slug",
    "Title",
    "Severity",
    "Category",
    "Status",
    "Owner",
    "Reported at",
    "Reported by",
    "Response target",
    "Respond by",
    "First response at",
    "Past target",
    "Responded late",
    "Resolved at",
    "Resolution",
    "Description",
]

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() hands the line back to csv.writer's caller."""

    def write(self, value: str) -> str:
        return value


def _safe(value):
    """Text people typed is neutralised so a spreadsheet never runs it."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that Excel reads the file as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([_safe(v) for v in row])


def _response(lines: Iterator[str], *, name: str, today: datetime.date):
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ccpor-{name}-{today:%Y-%m-%d}.csv"'
    )
    return response


def _chunks(courts: QuerySet[Court]) -> Iterator[list[Court]]:
    chunk: list[Court] = []
    for court in courts.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(court)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _portfolio_lines(
    courts: QuerySet[Court],
    *,
    today: datetime.date,
    phases_by_order: dict[int, Phase],
    site_url: str,
) -> Iterator[list]:
    for chunk in _chunks(courts):
        for row in portfolio_rows(chunk, today=today, phases_by_order=phases_by_order):
            court = row.court
            started = row.is_open
            yield [
                court.name,
                court.slug,
                court.get_court_type_display(),
                court.district,
                court.county,
                row.status_label,
                row.phase_label,
                row.progress.percent if started else None,
                row.progress.finished if started else None,
                row.progress.total if started else None,
                row.go_live,
                row.days_to_go_live,
                row.next_mark.name if row.next_mark else None,
                row.next_mark.date if row.next_mark else None,
                row.overdue if started else None,
                row.blocked if started else None,
                row.health_label,
                *(
                    row.open_by_actor[actor] if started else None
                    for actor in BLOCKING_ACTORS
                ),
                site_url + court.get_absolute_url(),
            ]


def portfolio_csv(
    courts: QuerySet[Court],
    *,
    today: datetime.date,
    phases_by_order: dict[int, Phase],
    site_url: str,
) -> StreamingHttpResponse:
    """The portfolio rows of `courts` (from `portfolio_courts`, already filtered and
    sorted), one line per court."""
    lines = _portfolio_lines(
        courts, today=today, phases_by_order=phases_by_order, site_url=site_url
    )
    return _response(_stream(PORTFOLIO_HEADER, lines), name="portfolio", today=today)


def _local_minute(moment: datetime.datetime | None) -> str | None:
    """A time as spreadsheets sort it: Pacific (settings.TIME_ZONE), to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else None


def _item_lines(items: QuerySet[ChecklistItem], *, today: datetime.date, site_url: str):
    for item in items.iterator(chunk_size=CHUNK_SIZE):
        onboarding, court = item.onboarding, item.onboarding.court
        overdue = item.is_overdue_on(today)
        owner = item.owner
        yield [
            court.name,
            court.slug,
            onboarding.get_status_display(),
            onboarding.go_live_date,
            item.order,
            item.phase.name,
            item.title,
            item.get_actor_display(),
            item.kind_label,
            str(owner) if owner else None,
            owner.email if owner else None,
            item.get_status_display(),
            item.due_date,
            (today - item.due_date).days if overdue else None,
            item.blocked_reason,
            item.na_justification,
            item.note,
            _local_minute(item.completed_at),
            "yes" if item.internal_only else "no",
            "yes" if item.evidence_required else "no",
            _local_minute(item.meeting_starts_at),
            site_url + item.get_absolute_url(),
        ]


def items_csv(*, today: datetime.date, site_url: str) -> StreamingHttpResponse:
    """Every checklist item of every onboarding of every active court, by court,
    onboarding (oldest first) and checklist order, with its owner and a link to
    its page (`site_url`: where the app runs)."""
    items = (
        ChecklistItem.objects.filter(onboarding__court__is_active=True)
        .select_related("onboarding__court", "phase", "owner")
        .order_by(
            "onboarding__court__name",
            "onboarding__created_at",
            "onboarding_id",
            "order",
        )
    )
    lines = _item_lines(items, today=today, site_url=site_url)
    return _response(_stream(ITEMS_HEADER, lines), name="items", today=today)


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _when(moment: datetime.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _incident_lines(incidents: QuerySet[Incident], *, now: datetime.datetime):
    for incident in incidents.iterator(chunk_size=CHUNK_SIZE):
        court = incident.onboarding.court
        yield [
            incident.pk,
            court.name,
            court.slug,
            incident.title,
            incident.severity,
            incident.get_category_display(),
            incident.get_status_display(),
            _person(incident.owner),
            _when(incident.reported_at),
            _person(incident.reported_by),
            incident.response_target.label,
            _when(incident.respond_by),
            _when(incident.responded_at),
            "yes" if incident.is_past_target(now) else "no",
            "yes" if incident.responded_late else "no",
            _when(incident.resolved_at),
            incident.resolution,
            incident.description,
        ]


def incidents_csv(
    *, today: datetime.date, now: datetime.datetime
) -> StreamingHttpResponse:
    """Every incident of every court, oldest first; one query."""
    incidents = Incident.objects.select_related(
        "onboarding__court", "owner", "reported_by"
    ).order_by("reported_at", "id")
    lines = _incident_lines(incidents, now=now)
    return _response(_stream(INCIDENTS_HEADER, lines), name="incidents", today=today)

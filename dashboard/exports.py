"""CSV exports for the CCPOR Team: the portfolio (as filtered), every item and every
incident.

All stream, each from a single query however many rows it has. The portfolio and
the items select every row as a finished line of CSV (ccpor_onboard/lib/csv_sql.py:
labels from the same dicts the pages use, URLs by string joining, spreadsheet
formulas neutralised), read from a server-side cursor in chunks, so 5,000 courts or
180,000 items never sit in memory at once and no row becomes a Python object. The
incidents, a few per court, are written row by row by csv.writer.
"""

import csv
import datetime
import zoneinfo
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Case, CharField, F, Q, QuerySet, TextField, Value, When
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    Left,
    NullIf,
    Trim,
    TruncMinute,
)
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.csv_sql import (
    FORMULA_START,
    csv_header,
    csv_line,
    csv_text,
    csv_value,
)
from ccpor_onboard.lib.dates import DaysBetween
from checklists.health import HEALTH_RANK, Health
from checklists.marks import MARKS
from checklists.models import (
    KIND_WORDING,
    Actor,
    ChecklistItem,
    Kind,
    Onboarding,
    Phase,
)
from checklists.selectors import PercentSQL
from courts.models import Court
from golive.models import Incident

from .selectors import BLOCKING_ACTORS, PortfolioStatus, Stage

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
    "Went live",
    "Slip (days)",
    "Days to go",
    "Next mark",
    "Next mark date",
    "Overdue",
    "Blocked",
    "Health",
    "Forecast P50",
    "Forecast P85",
    "Slipping (forecast)",
    # Who will use CCPOR (the dashboard's Roster column): people ready on the
    # Go-Live date (today once passed), people who need access, expired ones.
    "Roster ready",
    "Roster total",
    "Roster expired",
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

LINES_PER_CHUNK = 2000
# Incidents are few: they are written by csv.writer, row by row.
CHUNK_SIZE = 500


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


def _lines(queryset: QuerySet, header: list[str]) -> Iterator[str]:
    """The file: a byte-order mark (so that Excel reads it as UTF-8), the header,
    then the lines the database wrote, read from a server-side cursor in chunks."""
    yield "\ufeff" + csv_header(header)
    chunk: list[str] = []
    for line in queryset.values_list("line", flat=True).iterator(
        chunk_size=LINES_PER_CHUNK
    ):
        chunk.append(line)
        if len(chunk) == LINES_PER_CHUNK:
            yield "\r\n".join(chunk) + "\r\n"
            chunk = []
    if chunk:
        yield "\r\n".join(chunk) + "\r\n"


def _response(lines: Iterator[str], *, name: str, today: datetime.date):
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ccpor-{name}-{today:%Y-%m-%d}.csv"'
    )
    return response


def _labels(field: str, labels: dict, *, default="") -> Case:
    """A stored value in words, from a dict of labels."""
    return Case(
        *[When(**{field: value}, then=Value(label)) for value, label in labels.items()],
        default=Value(default),
        output_field=TextField(),
    )


def _if_open(cell) -> Case:
    """A figure shown only for an open (active or live) onboarding."""
    return Case(
        When(go_live__isnull=False, then=cell),
        default=Value(""),
        output_field=TextField(),
    )


def _if_started(cell) -> Case:
    """A figure shown for any onboarding, open or ended (a closed court counts its
    finished items)."""
    return Case(
        When(ob_status__isnull=False, then=cell),
        default=Value(""),
        output_field=TextField(),
    )


def portfolio_line(*, today: datetime.date, phases: list[Phase], site_url: str):
    """One court of `portfolio_courts` as a line of the portfolio CSV (columns of
    PORTFOLIO_HEADER), with the labels the dashboard shows."""
    court_url = Court.url_builder()
    head, tail = court_url("\x00").split("\x00")
    overdue = F("overdue")
    next_marks = Case(
        *[
            When(
                stage=Stage.ONBOARDING,
                go_live__gte=today + datetime.timedelta(days=days),
                then=Value(name),
            )
            for name, days in MARKS
        ],
        default=Value(""),
        output_field=TextField(),
    )
    return csv_line(
        csv_text(F("name")),
        csv_text(F("slug")),
        _labels("court_type", dict(Court.CourtType.choices)),
        csv_value(F("district")),
        csv_text(F("county")),
        Case(
            When(ob_status=Onboarding.Status.CANCELLED, then=Value("Cancelled")),
            When(ob_status=Onboarding.Status.CLOSED, then=Value("Live (closed out)")),
            When(ob_status=Onboarding.Status.ACTIVE, then=Value("Onboarding")),
            When(ob_status=Onboarding.Status.LIVE, then=Value("Live")),
            default=Value(PortfolioStatus.LABELS[PortfolioStatus.NOT_STARTED]),
            output_field=TextField(),
        ),
        _if_open(
            csv_text(
                _labels(
                    "phase_order",
                    {p.order: p.name for p in phases},
                    default="All items finished",
                )
            )
        ),
        _if_started(
            csv_value(PercentSQL(F("ob__summary__finished"), F("ob__summary__total")))
        ),
        _if_started(csv_value(F("finished"))),
        _if_started(csv_value(F("total"))),
        csv_value(F("go_live")),
        csv_value(F("ob__went_live_on")),
        csv_value(F("slip_days")),
        # Counted down only until the court goes live.
        Case(
            When(
                ob_status=Onboarding.Status.ACTIVE,
                then=csv_value(DaysBetween(F("go_live"), day=today)),
            ),
            default=Value(""),
            output_field=TextField(),
        ),
        next_marks,
        csv_value(F("next_mark_date")),
        _if_open(csv_value(overdue)),
        _if_open(csv_value(F("blocked"))),
        _labels("health_rank", {HEALTH_RANK[h]: label for h, label in Health.CHOICES}),
        csv_value(F("forecast_p50")),
        csv_value(F("forecast_p85")),
        Case(
            When(forecast_slip_days__gt=0, then=Value("yes")),
            When(forecast_slip_days__isnull=False, then=Value("no")),
            default=Value(""),
            output_field=TextField(),
        ),
        # Any court may keep a roster, onboarding or not (as the dashboard shows).
        csv_value(F("roster_ready")),
        csv_value(F("roster_total")),
        csv_value(F("roster_expired")),
        *(_if_open(csv_value(F(f"open_{actor}"))) for actor in BLOCKING_ACTORS),
        Concat(
            Value(site_url + head), F("slug"), Value(tail), output_field=TextField()
        ),
    )


def portfolio_csv(
    courts: QuerySet[Court],
    *,
    today: datetime.date,
    phases: list[Phase],
    site_url: str,
) -> StreamingHttpResponse:
    """The portfolio rows of `courts` (from `portfolio_courts`, already filtered and
    sorted), one line per court, written by the database."""
    lines = courts.annotate(
        line=portfolio_line(today=today, phases=phases, site_url=site_url)
    )
    return _response(_lines(lines, PORTFOLIO_HEADER), name="portfolio", today=today)


def items_line(*, today: datetime.date, site_url: str):
    """One checklist item as a line of the items CSV (columns of ITEMS_HEADER), with
    its owner and a link to its page (`site_url`: where the app runs)."""
    kinds = Case(
        *[
            When(kind=kind, actor=actor, then=Value(wording))
            for (kind, actor), wording in KIND_WORDING.items()
        ],
        *[When(kind=value, then=Value(label)) for value, label in Kind.choices],
        default=F("kind"),
        output_field=TextField(),
    )
    marker_slug, marker_pk = "court-slug-marker", 987654321
    head, rest = reverse(
        "checklists:item_detail", kwargs={"slug": marker_slug, "pk": marker_pk}
    ).split(marker_slug)
    middle, tail = rest.split(str(marker_pk))
    # str(user): the full name, else the username (accounts.User.__str__).
    owner = Case(
        When(owner__isnull=True, then=Value("")),
        default=Coalesce(
            NullIf(
                Trim(
                    Concat(
                        F("owner__first_name"),
                        Value(" "),
                        F("owner__last_name"),
                        output_field=TextField(),
                    )
                ),
                Value(""),
            ),
            F("owner__username"),
        ),
        output_field=TextField(),
    )
    overdue = Q(status__in=ChecklistItem.OPEN_STATUSES, due_date__lt=today)
    return csv_line(
        csv_text(F("onboarding__court__name")),
        csv_text(F("onboarding__court__slug")),
        _labels("onboarding__status", dict(Onboarding.Status.choices)),
        csv_value(F("onboarding__go_live_date")),
        csv_value(F("order")),
        csv_text(F("phase__name")),
        csv_text(F("title")),
        _labels("actor", dict(Actor.choices)),
        csv_text(kinds),
        csv_text(owner),
        csv_text(F("owner__email")),
        _labels("status", dict(ChecklistItem.Status.choices)),
        csv_value(F("due_date")),
        Case(
            When(overdue, then=csv_value(DaysBetween(Value(today), day=F("due_date")))),
            default=Value(""),
            output_field=TextField(),
        ),
        csv_text(F("blocked_reason")),
        csv_text(F("na_justification")),
        csv_text(F("note")),
        csv_value(_local_minute("completed_at")),
        _labels("internal_only", {True: "yes"}, default="no"),
        _labels("evidence_required", {True: "yes"}, default="no"),
        csv_value(_local_minute("meeting_starts_at")),
        Concat(
            Value(site_url + head),
            F("onboarding__court__slug"),
            Value(middle),
            Cast(F("pk"), TextField()),
            Value(tail),
            output_field=TextField(),
        ),
    )


def _local_minute(field: str):
    """A time as spreadsheets sort it: Pacific (settings.TIME_ZONE), to the minute."""
    return Left(
        Cast(
            TruncMinute(field, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)),
            CharField(),
        ),
        16,
    )


def items_csv(*, today: datetime.date, site_url: str) -> StreamingHttpResponse:
    """Every checklist item of every onboarding of every active court, by court,
    onboarding (oldest first) and checklist order, with its owner and a link to
    its page (`site_url`: where the app runs): one query, written by the
    database."""
    items = (
        ChecklistItem.objects.filter(onboarding__court__is_active=True)
        .annotate(line=items_line(today=today, site_url=site_url))
        .order_by(
            "onboarding__court__name",
            "onboarding__created_at",
            "onboarding_id",
            "order",
        )
    )
    return _response(_lines(items, ITEMS_HEADER), name="items", today=today)


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

"""The portfolio's filters and sort, all carried in the URL so a view can be shared.

Filters work on the annotations of `dashboard.selectors.portfolio_courts`, so they run
in the database before pagination.
"""

import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django_filters.constants import EMPTY_VALUES

from checklists.health import Health
from checklists.models import Phase
from checklists.selectors import phases
from courts.models import DISTRICT_LABELS, Court
from planning.models import Wave

from .selectors import (
    BLOCKING_ACTORS,
    GO_LIVE_WINDOWS,
    PortfolioStatus,
    Stage,
    forecast_slipping_q,
    go_live_window_q,
    health_q,
    no_one_to_remind_q,
    portfolio_courts,
)

# Sort parameter -> (column heading, annotations it sorts by; "-name" sorts that one
# the other way). Empty values sort last in both directions; ties are broken by court
# name.
SORT_COLUMNS = {
    # The default: what needs the team first. Late, then at-risk, then on-track
    # onboardings, the most overdue and blocked first, then live, closed-out and
    # cancelled courts, the soonest Go-Live first.
    "attention": (
        "Attention",
        ["health_rank", "-overdue", "-blocked", "status_rank", "go_live"],
    ),
    "court": ("Court", ["name"]),
    # District 1-6 first, tribal courts (no district) last; `type` groups by type.
    "district": ("District", ["district", "court_type"]),
    "type": ("Type", ["court_type", "district"]),
    "status": ("Status", ["status_rank"]),
    "phase": ("Phase", ["phase_order"]),
    "progress": ("Progress", ["progress_ratio"]),
    "go_live": ("Go-Live", ["go_live"]),
    "slip": ("Slip", ["slip_days"]),
    "days": ("Days to go", ["go_live"]),
    "next_mark": ("Next mark", ["next_mark_date"]),
    "overdue": ("Overdue", ["overdue"]),
    "blocked": ("Blocked", ["blocked"]),
    "health": ("Health", ["health_rank"]),
    # Days from target to the forecast's P85: the most slipping first, descending.
    "forecast": ("Forecast", ["forecast_slip_days", "forecast_p85"]),
    # The most people not ready first (descending), then the most expired.
    "roster": ("Roster", ["roster_not_ready", "roster_expired"]),
    **{
        f"open_{a.value}": (f"Open: {a.label}", [f"open_{a.value}"])
        for a in BLOCKING_ACTORS
    },
}
DEFAULT_SORT = "attention"
# The courts never started (`Stage.NOT_STARTED`) are folded into one line below the
# table unless the status filter asks for them or `?not_started=show` unfolds them.
SHOW_NOT_STARTED = "show"
# The Go-Live moved filter: later than first planned, or by 30 days or more.
SLIPPED, SLIPPED_30 = "later", "30"
# The forecast filter: P85 passes the target.
FORECAST_SLIPPING = "slipping"
# The roster filter: someone who needs access is not ready; an expired certification.
ROSTER_NOT_READY, ROSTER_EXPIRED = "not_ready", "expired"


def sort_keys(value) -> list[str]:
    """The sort keys asked for (`["-overdue"]`), empty ones left out ("?sort=,"):
    by court name when none is left."""
    return [p for p in (value or []) if p not in EMPTY_VALUES] or [DEFAULT_SORT]


class SortFilter(django_filters.OrderingFilter):
    """Sort by any column of the table: `?sort=-overdue` (comma-separated for more
    than one key). Without a valid sort, by court name."""

    def __init__(self, *args, **kwargs):
        kwargs["fields"] = {key: key for key in SORT_COLUMNS}
        kwargs["field_labels"] = {k: label for k, (label, _) in SORT_COLUMNS.items()}
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        ordering = []
        for param in sort_keys(value):
            descending = param.startswith("-")
            for field in SORT_COLUMNS[param.lstrip("-")][1]:
                expression = F(field.lstrip("-"))
                ordering.append(
                    expression.desc(nulls_last=True)
                    if descending != field.startswith("-")
                    else expression.asc(nulls_last=True)
                )
        return qs.order_by(*ordering, "name", "pk")


class PortfolioFilterForm(forms.Form):
    """The filters as one compact row (templates/dashboard/_filter_form.html, inside
    the page's own <form>, which carries the buttons): Bootstrap's classes on the
    widgets, a plain template around them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = "Name or county"
        dates = self.fields["go_live"].widget.widgets
        dates[0].attrs["aria-label"] = "Go-Live on or after"
        dates[1].attrs["aria-label"] = "Go-Live on or before"
        for field in self.fields.values():
            for widget in getattr(field.widget, "widgets", [field.widget]):
                select = isinstance(widget, forms.Select)
                widget.attrs["class"] = (
                    "form-select form-select-sm"
                    if select
                    else "form-control form-control-sm"
                )


class PortfolioFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Court name", method="filter_name")
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=list(PortfolioStatus.LABELS.items()),
        method="filter_status",
        empty_label="Any status",
    )
    phase = django_filters.ChoiceFilter(
        label="Phase", method="filter_phase", empty_label="Any phase"
    )
    health = django_filters.ChoiceFilter(
        label="Health",
        choices=list(Health.LABELS.items()),
        method="filter_health",
        empty_label="Any health",
    )
    district = django_filters.ChoiceFilter(
        label="District",
        choices=[(str(n), label) for n, label in DISTRICT_LABELS.items()],
        empty_label="Any district",
    )
    court_type = django_filters.ChoiceFilter(
        label="Type", choices=Court.CourtType.choices, empty_label="Any type"
    )
    window = django_filters.ChoiceFilter(
        label="Go-Live window",
        choices=[(key, label) for key, (label, _, _) in GO_LIVE_WINDOWS.items()],
        method="filter_window",
        empty_label="Any time",
    )
    slip = django_filters.ChoiceFilter(
        label="Go-Live moved",
        choices=[
            (SLIPPED, "Later than first planned"),
            (SLIPPED_30, "30 days or more later"),
        ],
        method="filter_slip",
        empty_label="Any",
    )
    # Not the "Go-Live moved" filter above (`slip`: moved later than first
    # planned): the forecast from pace passes the target.
    forecast = django_filters.ChoiceFilter(
        label="Forecast",
        choices=[(FORECAST_SLIPPING, "Slipping (forecast)")],
        method="filter_forecast",
        empty_label="Any forecast",
    )
    wave = django_filters.ModelChoiceFilter(
        label="Wave",
        queryset=Wave.objects.all(),
        method="filter_wave",
        empty_label="Any wave",
    )
    reach = django_filters.ChoiceFilter(
        label="Reminders",
        choices=[("none", "No one to remind")],
        method="filter_reach",
        empty_label="Any",
    )
    roster = django_filters.ChoiceFilter(
        label="Roster",
        choices=[
            (ROSTER_NOT_READY, "Not everyone ready"),
            (ROSTER_EXPIRED, "An expired certification"),
        ],
        method="filter_roster",
        empty_label="Any roster",
    )
    go_live = django_filters.DateFromToRangeFilter(
        label="Go-Live between",
        field_name="go_live",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    not_started = django_filters.ChoiceFilter(
        label="Courts not started",
        choices=[(SHOW_NOT_STARTED, "Listed")],
        method="filter_not_started",
        empty_label="Folded into one line",
    )
    sort = SortFilter(label="Sort by")

    class Meta:
        model = Court
        fields: list[str] = []
        form = PortfolioFilterForm

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        today: datetime.date,
        phases: list[Phase],
        fold: bool = True,
        **kwargs,
    ):
        super().__init__(data, queryset, **kwargs)
        self.today, self.fold = today, fold
        self.phases = {phase.slug: phase for phase in phases}
        self.filters["phase"].extra["choices"] = [(p.slug, p.name) for p in phases]

    def filter_name(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        words = " ".join(value.split())
        return qs.filter(Q(name__icontains=words) | Q(county__icontains=words))

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(PortfolioStatus.q(value))

    def filter_phase(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(phase_order=self.phases[value].order)

    def filter_health(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(health_q(value, today=self.today))

    def filter_slip(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(slip_days__gte=30 if value == SLIPPED_30 else 1)

    def filter_forecast(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(forecast_slipping_q())

    def filter_wave(self, qs: QuerySet, name: str, value: Wave) -> QuerySet:
        return qs.filter(wave_membership__wave=value)

    def filter_reach(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(no_one_to_remind_q())

    def filter_roster(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == ROSTER_EXPIRED:
            return qs.filter(roster_expired__gt=0)
        return qs.filter(roster_not_ready__gt=0)

    def filter_window(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(go_live_window_q(value, today=self.today))

    def filter_not_started(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs  # unfolded: `folds_not_started` is False

    @property
    def folds_not_started(self) -> bool:
        """Whether the table leaves out the courts never started (one line below it
        counts them): unless they are asked for by the status filter or unfolded."""
        data = self.form.cleaned_data
        return (
            self.fold
            and not data.get("status")
            and data.get("not_started") != SHOW_NOT_STARTED
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        self.unfolded_qs = queryset
        if self.folds_not_started:
            queryset = queryset.exclude(stage=Stage.NOT_STARTED)
        if "sort" not in self.form.cleaned_data:
            # An unknown sort is reported on the form; the rows keep the default.
            queryset = self.filters["sort"].filter(queryset, None)
        return queryset

    @property
    def sort_params(self) -> list[str]:
        """The sort in force, as URL parameters (`["-overdue"]`)."""
        return sort_keys(self.form.cleaned_data.get("sort"))


@dataclass(frozen=True)
class PortfolioQuery:
    """What one query string asks of the portfolio: the filtered, sorted queryset,
    the filters understood and those not, and the filter form."""

    queryset: QuerySet
    filtered: bool
    sort_params: list[str]
    errors: list[tuple[str, str]]  # (the filter's label, what is wrong)
    form: forms.Form
    phases_by_order: dict[int, Phase]
    # The courts never started that match the filters, when the table folds them
    # into one line (None when it lists them): a query, run when read.
    folded: QuerySet | None = None


def portfolio_query(data, *, today: datetime.date, fold: bool = True) -> PortfolioQuery:
    """The PortfolioQuery of a query string (`request.GET`); the page number is not
    part of it. One query (the phases). `fold=False` (the exports) keeps the courts
    never started in the rows whatever the query string says."""
    filterset, phases_by_order = portfolio_filterset(data, today=today, fold=fold)
    queryset = filterset.qs  # validates the form
    labels = {name: field.label for name, field in filterset.form.fields.items()}
    understood = filterset.form.cleaned_data
    return PortfolioQuery(
        queryset=queryset,
        filtered=any(
            value not in EMPTY_VALUES
            for name, value in understood.items()
            if name not in ("sort", "not_started")
        ),
        sort_params=filterset.sort_params,
        errors=[
            (labels.get(name, name), error)
            for name, errors in filterset.form.errors.items()
            for error in errors
        ],
        form=filterset.form,
        phases_by_order=phases_by_order,
        folded=(
            filterset.unfolded_qs.filter(stage=Stage.NOT_STARTED).order_by()
            if filterset.folds_not_started
            else None
        ),
    )


def portfolio_filterset(
    data, *, today: datetime.date, fold: bool = True
) -> tuple[PortfolioFilter, dict[int, Phase]]:
    """The portfolio filtered and sorted as `data` (the query string) says, and the
    phases by order (for the rows' phase column)."""
    all_phases = phases()
    filterset = PortfolioFilter(
        data,
        queryset=portfolio_courts(today=today),
        today=today,
        phases=all_phases,
        fold=fold,
    )
    return filterset, {phase.order: phase for phase in all_phases}

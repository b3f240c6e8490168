"""The statewide burn-up as geometry for a server-drawn SVG (templates/dashboard/
_burnup.html): no script is needed to read it, and a table beside it says the same
for a screen reader."""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 40


@dataclass(frozen=True)
class Line:
    name: str
    css: str
    points: str  # "x,y x,y …"


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    left: int
    bottom: float
    right: float
    top: int


def burnup_chart(months) -> Chart | None:
    """Three lines over the months (`planning.rollout.BurnupMonth`): actual,
    planned and forecast courts live."""
    if not months:
        return None
    top_value = max(max(m.planned, m.forecast or 0, m.actual or 0) for m in months)
    top_value = max(top_value, 1)
    span = max(len(months) - 1, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + plot_w * i / span, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h * (1 - value / top_value), 1)

    def line(attr: str) -> str:
        return " ".join(
            f"{x(i)},{y(getattr(m, attr))}"
            for i, m in enumerate(months)
            if getattr(m, attr) is not None
        )

    lines = [
        Line("Planned", "burnup-planned", line("planned")),
        Line("Actual", "burnup-actual", line("actual")),
        Line("Forecast (likely)", "burnup-forecast", line("forecast")),
    ]
    every = max(len(months) // 6, 1)
    x_ticks = [
        Tick(x(i), HEIGHT - BOTTOM + 16, f"{m.month:%b %Y}")
        for i, m in enumerate(months)
        if i % every == 0
    ]
    step = max(round(top_value / 4), 1)
    y_ticks = [Tick(LEFT - 6, y(v), str(v)) for v in range(0, top_value + 1, step)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        lines=[line_ for line_ in lines if line_.points],
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        left=LEFT,
        bottom=HEIGHT - BOTTOM,
        right=WIDTH - RIGHT,
        top=TOP,
    )

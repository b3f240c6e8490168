"""A forecast in words, for the court page, the Go-Live page, the dashboard and the
statewide view: "Target 3 March; likely 12 March; 85 % by 24 March"."""

import datetime
from dataclasses import dataclass


def day_words(day: datetime.date, *, today: datetime.date) -> str:
    """ "3 March", with the year when it is not this year's."""
    words = f"{day.day} {day:%B}"
    return words if day.year == today.year else f"{words} {day.year}"


@dataclass(frozen=True)
class ForecastWords:
    target: datetime.date
    p50: datetime.date
    p85: datetime.date
    today: datetime.date
    as_of: datetime.date | None = None

    @property
    def slipping(self) -> bool:
        # The rule is planning.models.Forecast.slipping; a presenter row carries
        # the same three dates.
        return self.p85 > self.target

    @property
    def slip_days(self) -> int:
        return (self.p85 - self.target).days

    @property
    def sentence(self) -> str:
        today = self.today
        return (
            f"Target {day_words(self.target, today=today)}; likely "
            f"{day_words(self.p50, today=today)}; 85 % by "
            f"{day_words(self.p85, today=today)}"
        )


def forecast_words(forecast, *, today: datetime.date) -> ForecastWords | None:
    """The words of a stored `Forecast` (None without one)."""
    if forecast is None:
        return None
    return ForecastWords(
        target=forecast.target,
        p50=forecast.p50,
        p85=forecast.p85,
        today=today,
        as_of=forecast.as_of,
    )

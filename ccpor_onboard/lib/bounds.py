"""What may be stored from a person's typing, for every model of the product: the
bounds are validators on the model fields, so the admin and every ModelForm apply
them, and services run the same ones (`validate_values`) before they write.
Domain-free.

- Dates and times lie within the calendar window (EARLIEST_DATE to LATEST_DATE),
  far from the calendar's edges: a time near year 1 or 9999 in California is
  stored in UTC as a moment Python cannot read back, and every page that reads
  the row fails until the database is edited by hand. The services add each
  date's own, narrower rule (Go-Live at most ten years ahead, say).
- Text has a length limit: a TextField gets one through `bounded_text` (Django
  checks a TextField's `max_length` only in forms; the validator makes model
  validation and the services check it too).
- Names, titles and other one-line values refuse every control character
  (`validate_single_line`); multi-line text refuses them but tab, line feed and
  carriage return (`validate_multi_line`). NUL is among them (PostgreSQL refuses
  it in text).
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)

# How much a person may type, by the kind of text.
REASON_MAX = 1000  # blocked reason, N/A justification, every other reason
NOTE_MAX = 2000  # notes, attendees, a message with a request
COMMENT_MAX = 5000
DESCRIPTION_MAX = 5000  # item and incident descriptions, resolutions
MEETING_MINUTES_MAX = 10000

# Kept in multi-line text: tab, line feed, carriage return.
_MULTI_LINE_ALLOWED = frozenset("\t\n\r")


def _outside_window(day: datetime.date) -> bool:
    return not EARLIEST_DATE <= day <= LATEST_DATE


def _window_error() -> ValidationError:
    return ValidationError(
        f"Choose a date between {EARLIEST_DATE:%B %-d, %Y} and "
        f"{LATEST_DATE:%B %-d, %Y}.",
        code="date_out_of_range",
    )


def validate_date_in_window(value: datetime.date | None) -> None:
    """A date or time field's bound: a datetime is checked on its own calendar day
    (within the window, its UTC conversion, hours away, is far from the calendar's
    ends)."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if _outside_window(day):
        raise _window_error()


# The same bound in SQL, for a timestamp column (a CHECK constraint): a day wider
# on each side, since the validator reads the day where the time was given (at most
# 14 hours from UTC), so that every time the validator accepts is stored.
_WINDOW_START_UTC = datetime.datetime.combine(
    EARLIEST_DATE - datetime.timedelta(days=1), datetime.time(), datetime.UTC
)
_WINDOW_END_UTC = datetime.datetime.combine(
    LATEST_DATE + datetime.timedelta(days=2), datetime.time(), datetime.UTC
)


def datetime_in_window_q(field: str) -> models.Q:
    """`validate_date_in_window` for the database: empty, or within the window
    (with a day's margin each side)."""
    return models.Q(**{f"{field}__isnull": True}) | models.Q(
        **{f"{field}__gte": _WINDOW_START_UTC, f"{field}__lt": _WINDOW_END_UTC}
    )


def _control_characters(value: str, allowed: frozenset[str] = frozenset()) -> bool:
    return any(
        unicodedata.category(ch) in ("Cc", "Zl", "Zp") and ch not in allowed
        for ch in value
    )


def validate_single_line(value: str) -> None:
    """Names and titles: no control character at all (no line breaks either)."""
    if value and _control_characters(value):
        raise ValidationError(
            "Write this on one line: no line breaks or control characters.",
            code="control_characters",
        )


def validate_multi_line(value: str) -> None:
    """Multi-line text: no control character but tab and line breaks."""
    if value and _control_characters(value, _MULTI_LINE_ALLOWED):
        raise ValidationError(
            "Remove the control characters (such as NUL) from this text.",
            code="control_characters",
        )


# The validators of a one-line text (a name, a title) and of a date or time.
ONE_LINE = [validate_single_line]
IN_WINDOW = [validate_date_in_window]


def bounded_text(max_length: int, verbose_name: str | None = None, **kwargs):
    """A TextField whose limit holds in model validation, not only in forms, and
    that refuses control characters but tab and line breaks."""
    validators = [
        MaxLengthValidator(max_length),
        validate_multi_line,
        *kwargs.pop("validators", ()),
    ]
    return models.TextField(
        verbose_name, max_length=max_length, validators=validators, **kwargs
    )


def field_bounds(model: type[models.Model], name: str) -> dict:
    """A form field's bounds, from the model field it fills (one rule, stated on the
    model): its length limit and its other validators, as keyword arguments of a
    form field (`forms.CharField(**field_bounds(Incident, "title"))`)."""
    field = model._meta.get_field(name)
    bounds = {
        "validators": [
            v for v in field.validators if not isinstance(v, MaxLengthValidator)
        ]
    }
    if field.max_length is not None:
        bounds["max_length"] = field.max_length
    return bounds


def field_error(model: type[models.Model], name: str, value) -> str | None:
    """What `model`'s field `name` says of a value about to be stored (its length,
    control characters, the calendar window), or None: for a service that names
    its errors after its own arguments."""
    if value is None or value == "" or hasattr(value, "resolve_expression"):
        return None  # nothing, or a value the database will work out (a default)
    try:
        model._meta.get_field(name).run_validators(value)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def validate_values(model: type[models.Model], **values) -> None:
    """Run the validators of `model`'s fields on values about to be stored (a
    service's input): one ValidationError naming each field that fails."""
    errors = {
        name: problem
        for name, value in values.items()
        if (problem := field_error(model, name, value))
    }
    if errors:
        raise ValidationError(errors)

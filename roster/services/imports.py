"""The roster's CSV: the columns both ways, and the import (a dry run first).

An import is all or nothing: every row is checked (as `people.person_check`) and
reported with its own error; only a file without an error is saved, each row
adding a person or updating the one with the same e-mail address.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ccpor_onboard.lib.csv_sql import FORMULA_START
from courts.models import Membership

from ..models import CcporRole, CletsLevel, RosterPerson
from .people import DATE_FIELDS, FIELDS, person_check

# Bounds of an upload: a court's roster is tens of people, not thousands.
MAX_UPLOAD_BYTES = 256 * 1024
MAX_ROWS = 2000

# Column headings (the export writes them; the import reads them, case and spaces
# aside). The field names themselves are accepted too.
HEADINGS = {
    "name": "Name",
    "email": "E-mail",
    "organisation": "Organisation",
    "ccpor_role": "CCPOR role",
    "clets_level": "CLETS level",
    "clets_assigned_on": "CLETS assigned on",
    "clets_exam_on": "CLETS exam date",
    "clets_certified_on": "CLETS certified on",
    "clets_expires_on": "CLETS expires on",
    "cjis_completed_on": "CJIS security awareness on",
    "cjis_expires_on": "CJIS expires on",
    "account_requested_on": "Account requested on",
    "account_granted_on": "Account granted on",
}
REQUIRED = ("name", "email", "organisation", "ccpor_role")
CHOICES = {
    "organisation": Membership.Organisation,
    "ccpor_role": CcporRole,
    "clets_level": CletsLevel,
}


def _key(text: str) -> str:
    return " ".join(str(text).lower().replace("_", " ").replace("-", " ").split())


_COLUMN_OF = {
    **{_key(h): name for name, h in HEADINGS.items()},
    **{_key(n): n for n in FIELDS},
}


@dataclass
class RowResult:
    line: int
    name: str
    email: str
    action: str = ""  # "add" or "update"
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    refused: str = ""  # the whole file's problem
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.refused and not any(r.errors for r in self.rows)

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)

    @property
    def added(self) -> int:
        return self.count("add")

    @property
    def updated(self) -> int:
        return self.count("update")


def _choice(kind, value: str) -> str:
    wanted = _key(value)
    for choice in kind:
        if wanted in (_key(choice.value), _key(choice.label)):
            return choice.value
    labels = ", ".join(c.label for c in kind)
    raise ValueError(f"“{value}” is not one of {labels}")


def _date(value: str) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{value}” is not a date (YYYY-MM-DD or MM/DD/YYYY)")


def _values(raw: dict) -> tuple[dict, list[str]]:
    values, errors = {}, []
    for name in FIELDS:
        text = (raw.get(name) or "").strip()
        try:
            if name in CHOICES:
                values[name] = _choice(CHOICES[name], text) if text else ""
            elif name in DATE_FIELDS:
                values[name] = _date(text)
            else:
                values[name] = text
        except ValueError as exc:
            errors.append(f"{HEADINGS[name]}: {exc}.")
    if not values.get("clets_level"):
        values["clets_level"] = CletsLevel.NONE
    for name in REQUIRED:
        if not values.get(name) and not any(
            e.startswith(HEADINGS[name]) for e in errors
        ):
            errors.append(f"{HEADINGS[name]}: required.")
    return values, errors


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            "The file is not UTF-8 text: save it from the spreadsheet as "
            "“CSV UTF-8” and try again."
        ) from None


def _read(data: bytes) -> list[tuple[int, dict]]:
    """(line, {field: text}) for each row; ValidationError for a file that is not
    a roster CSV."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The file is {len(data) // 1024} KB; a roster may be at most "
            f"{MAX_UPLOAD_BYTES // 1024} KB."
        )
    text = _decode(data)
    if "\x00" in text:
        raise ValidationError("The file holds NUL characters: it is not a CSV file.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise ValidationError("The file is empty.")
        columns = [_COLUMN_OF.get(_key(h)) for h in header]
        missing = [HEADINGS[n] for n in REQUIRED if n not in columns]
        if missing:
            raise ValidationError(
                "The first line must name the columns; missing: "
                + ", ".join(missing)
                + "."
            )
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(f"At most {MAX_ROWS} people in one file.")
            raw = {col: cell for col, cell in zip(columns, cells, strict=False) if col}
            rows.append((reader.line_num, raw))
    except csv.Error as exc:
        raise ValidationError(f"The file is not a readable CSV file: {exc}.") from None
    if not rows:
        raise ValidationError("The file lists nobody.")
    return rows


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{HEADINGS.get(name, name)}: {' '.join(msgs)}"
            for name, msgs in exc.message_dict.items()
        ]
    return list(exc.messages)


def roster_import(*, court, by, data: bytes, dry_run: bool) -> ImportResult:
    """Check every row of a roster CSV (`data`) and, unless `dry_run` or a row has
    an error, save them all in one transaction. Never raises for a bad file: the
    result says what is wrong (`refused`, or each row's errors)."""
    result = ImportResult()
    try:
        rows = _read(data)
    except ValidationError as exc:
        result.refused = " ".join(exc.messages)
        return result
    existing = {p.email: p for p in RosterPerson.objects.filter(court=court)}
    seen: set[str] = set()
    checked = []
    for line, raw in rows:
        values, errors = _values(raw)
        email = str(values.get("email") or "").strip().lower()
        row = RowResult(line, values.get("name") or "", email)
        result.rows.append(row)
        if email in seen:
            errors.append(f"E-mail: {email} is listed twice in the file.")
        seen.add(email)
        person = existing.get(email)
        row.action = "update" if person else "add"
        if not errors:
            try:
                candidate = person_check(
                    court=court, by=by, values=values, person=person
                )
                checked.append(candidate)
            except ValidationError as exc:
                errors.extend(_messages(exc))
            except PermissionDenied as exc:
                errors.append(str(exc))
        row.errors = errors
    if dry_run or not result.ok:
        return result
    with transaction.atomic():
        for candidate in checked:
            candidate.updated_by = by
            candidate.save()
    result.saved = True
    return result


def export_rows(people) -> list[list[str]]:
    """The CSV's lines: the headings, then one line per person (the import reads
    it back)."""
    lines = [[*HEADINGS.values(), "Left on"]]
    for person in people:
        line = []
        for name in FIELDS:
            value = getattr(person, name)
            if name in CHOICES:
                value = getattr(person, f"get_{name}_display")()
            line.append(value.isoformat() if hasattr(value, "isoformat") else value)
        line = [
            "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
            for v in line
        ]
        line.append(person.left_on.isoformat() if person.left_on else "")
        lines.append(line)
    return lines

"""Writes to the roster, each checking who may make it (roster.access):

- `people`: adding and changing a person, their trainings;
- `imports`: the CSV import (a dry run first) and the export's columns;
- `sustainment`: a person leaving and their deprovisioning, the quarterly access
  review.
"""

from .imports import ImportResult, roster_import
from .people import person_save
from .sustainment import deprovisioning_record, person_mark_left, review_confirm

__all__ = [
    "ImportResult",
    "deprovisioning_record",
    "person_mark_left",
    "person_save",
    "review_confirm",
    "roster_import",
]

"""Writes of what people do around a checklist item; everything is importable from
`collaboration.services`:
- `evidence`: checking and storing uploaded documents;
- `comments`: an item's discussion thread;
- `meetings`: the date, place, attendees and minutes of meetings and trainings;
- `documents`: the CCPOR Team's documents on template items, with their versions.
"""

from .comments import comment_add, comment_create, comment_edit
from .documents import team_document_upload, team_document_validate
from .evidence import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    evidence_clean_name,
    evidence_detect_type,
    evidence_from_team_document,
    evidence_upload,
    evidence_validate,
)
from .meetings import item_set_meeting

__all__ = [
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_TYPES",
    "comment_add",
    "comment_create",
    "comment_edit",
    "evidence_clean_name",
    "evidence_detect_type",
    "evidence_from_team_document",
    "evidence_upload",
    "evidence_validate",
    "item_set_meeting",
    "team_document_upload",
    "team_document_validate",
]

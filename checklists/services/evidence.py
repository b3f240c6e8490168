"""Evidence: what may be uploaded and how it is recognised (from content, not name)."""

import re
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import ChecklistItem, Evidence
from .guards import onboarding_ensure_writable

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    "pdf": ("application/pdf", "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (DOCX)",
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel (XLSX)",
    ),
    "png": ("image/png", "PNG"),
    "jpg": ("image/jpeg", "JPEG"),
}
# The main part of an Office Open XML file, as its [Content_Types].xml names it; a
# macro-enabled file (.docm, .xlsm) declares another type and is refused.
_OOXML_MAIN = {
    "docx": ("word/document.xml", b"wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"spreadsheetml.sheet.main+xml"),
}


def evidence_detect_type(file) -> str | None:
    """The evidence type ("pdf", "docx", ...) read from the file's bytes, or None."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
                if "[Content_Types].xml" not in names:
                    return None
                types = archive.read("[Content_Types].xml")
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
        finally:
            file.seek(0)
        for kind, (main_part, main_type) in _OOXML_MAIN.items():
            if main_part in names and main_type in types:
                return kind
    return None


def evidence_clean_name(name: str, *, kind: str) -> str:
    """A safe display/download name: no directories, no odd characters, at most 120
    characters, and the extension of the detected type."""
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/")
    base = base.rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", stem)
    stem = re.sub(r"[ _]{2,}", "_", stem).strip(" ._-")[:100] or "evidence"
    return f"{stem}.{kind}"


def evidence_validate(*, file) -> str:
    """The evidence type of an upload ("pdf", "docx", ...), recognised from its content;
    ValidationError keyed "file" if it is empty, over 10 MB or of another type."""
    if file is None or not file.size:
        raise ValidationError({"file": "Choose a file to upload; this one is empty."})
    if file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "file": f"The file is {file.size / 1024 / 1024:.1f} MB; evidence may "
                "be at most 10 MB."
            }
        )
    kind = evidence_detect_type(file)
    if kind is None:
        allowed = ", ".join(label for _, label in EVIDENCE_TYPES.values())
        raise ValidationError(
            {
                "file": "This file's content is not one of the accepted types "
                f"({allowed}), whatever its name says."
            }
        )
    return kind


def evidence_upload(*, item: ChecklistItem, file, by) -> Evidence:
    """Attach a document to an item as evidence.

    Accepts PDF, DOCX, XLSX, PNG and JPEG up to 10 MB, recognised from the content
    (the name's extension is ignored); keeps a sanitised copy of the original name and
    stores the file under a random path. ValidationError keyed "file" otherwise, and
    a refusal for a closed or cancelled onboarding.
    """
    onboarding_ensure_writable(item.onboarding)
    kind = evidence_validate(file=file)
    content_type, _ = EVIDENCE_TYPES[kind]
    name = evidence_clean_name(getattr(file, "name", ""), kind=kind)
    with transaction.atomic():
        evidence = Evidence(
            item=item,
            original_name=name,
            content_type=content_type,
            size=file.size,
            uploaded_by=by,
        )
        evidence.file.save(f"upload.{kind}", file, save=False)
        try:
            evidence.save()
        except Exception:
            evidence.file.delete(save=False)
            raise
    return evidence

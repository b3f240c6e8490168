"""Evidence: what may be uploaded and how it is recognised (from content, not name)."""

import re
import struct
import unicodedata
import zipfile
import zlib

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from checklists.models import ChecklistItem
from checklists.services.guards import onboarding_ensure_writable

from ..models import Evidence, TeamDocument

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
# The main part of an Office Open XML file and the only content type accepted for
# it; a macro-enabled file (.docm, .xlsm) declares another type and is refused.
_OOXML_MAIN = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main"
        "+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
# Names that say "macros" whatever the content says.
MACRO_EXTENSIONS = (".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".xlsb")

# Office files are zip archives: read them with bounds, never trusting what they
# declare. At most this many parts; no part may declare more than PART_MAX_BYTES or
# all together more than TOTAL_MAX_BYTES; and of each part at most SAMPLE_BYTES are
# decompressed, which must not come from fewer than 1/MAX_RATIO as many compressed
# bytes (a zip bomb expands about a thousandfold; Office XML about tenfold).
MAX_PARTS = 1000
PART_MAX_BYTES = 50 * 1024 * 1024
TOTAL_MAX_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
SAMPLE_BYTES = 16 * 1024
CONTENT_TYPES_MAX_BYTES = 64 * 1024


NOT_OFFICE = "This is a zip file, not a Word or Excel file."


class OfficeFileRefused(Exception):
    """Why an Office file is refused (a sentence for the person who uploaded it)."""


def _local_data_offset(file, info: zipfile.ZipInfo) -> int:
    file.seek(info.header_offset)
    header = file.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise OfficeFileRefused("The file is damaged (a part cannot be found).")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_length + extra_length


def _sample_part(file, info: zipfile.ZipInfo) -> bytes:
    """At most SAMPLE_BYTES of a part, decompressed from its raw bytes, checking the
    actual expansion and that the part is no larger than it says."""
    if info.flag_bits & 0x1:
        raise OfficeFileRefused("The file is encrypted; upload it without a password.")
    file.seek(_local_data_offset(file, info))
    raw = file.read(min(info.compress_size, SAMPLE_BYTES * 4))
    if info.compress_type == zipfile.ZIP_STORED:
        return raw[:SAMPLE_BYTES]
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise OfficeFileRefused("The file uses a compression Office files do not use.")
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(raw, SAMPLE_BYTES)
    except zlib.error as exc:
        raise OfficeFileRefused("The file is damaged (a part is unreadable).") from exc
    consumed = len(raw) - len(decompressor.unconsumed_tail)
    if len(out) > info.file_size:
        raise OfficeFileRefused(
            "A part of the file expands beyond the size it declares (a zip bomb)."
        )
    if len(out) >= SAMPLE_BYTES and len(out) > MAX_RATIO * max(consumed, 1):
        raise OfficeFileRefused(
            "A part of the file expands far more than documents do (a zip bomb)."
        )
    return out


def _content_types(file, archive: zipfile.ZipFile) -> tuple[set[str], dict[str, str]]:
    """Every content type [Content_Types].xml declares, and the type of each part
    it names (parsed with defusedxml)."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        raise OfficeFileRefused(
            "This is a zip file, not a Word or Excel file."
        ) from None
    if info.file_size > CONTENT_TYPES_MAX_BYTES:
        raise OfficeFileRefused("The file's list of content types is too large.")
    data = _sample_part(file, info)
    if len(data) < info.file_size:  # more than the sample: cannot be a real one
        raise OfficeFileRefused("The file's list of content types is too large.")
    try:
        root = DefusedET.fromstring(data)
    except (DefusedXmlException, DefusedET.ParseError) as exc:
        raise OfficeFileRefused(
            "The file's list of content types is not valid."
        ) from exc
    types = {
        element.get("ContentType", "")
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] in ("Default", "Override")
    }
    overrides = {
        element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] == "Override"
    }
    return types, overrides


def _office_kind(file) -> str:
    """ "docx" or "xlsx" for a plain Office file; OfficeFileRefused saying why not."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise OfficeFileRefused("The file is damaged (not a readable zip).") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise OfficeFileRefused(
                f"The file has {len(infos)} parts; documents have far fewer."
            )
        total = 0
        for info in infos:
            name = info.filename.lower()
            if name.endswith("vbaproject.bin") or "vbaproject" in name:
                raise OfficeFileRefused("The file contains macros (vbaProject.bin).")
            total += info.file_size
            if info.file_size > PART_MAX_BYTES or total > TOTAL_MAX_BYTES:
                raise OfficeFileRefused(
                    "The file declares more content than documents hold (a zip bomb)."
                )
            if info.file_size > SAMPLE_BYTES and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise OfficeFileRefused(
                    "A part of the file declares far more expansion than documents "
                    "do (a zip bomb)."
                )
        for info in infos:
            if not info.is_dir():
                _sample_part(file, info)
        types, overrides = _content_types(file, archive)
        if any("macroenabled" in t.lower() or "vba" in t.lower() for t in types):
            raise OfficeFileRefused("The file is macro-enabled (.docm or .xlsm).")
        names = {info.filename for info in infos}
        for kind, (main_part, main_type) in _OOXML_MAIN.items():
            if main_part in names and overrides.get(main_part) == main_type:
                return kind
    raise OfficeFileRefused(NOT_OFFICE)


def evidence_detect_type(file) -> str | None:
    """The evidence type ("pdf", "docx", ...) read from the file's bytes, or None
    (see `evidence_validate` for the reason an Office file is refused)."""
    try:
        return _detect(file)
    except OfficeFileRefused:
        return None
    finally:
        file.seek(0)


def _detect(file) -> str | None:
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
        return _office_kind(file)
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
    if getattr(file, "name", "").lower().endswith(MACRO_EXTENSIONS):
        raise ValidationError(
            {"file": "Macro-enabled files (.docm, .xlsm...) are not accepted."}
        )
    try:
        kind = _detect(file)
    except OfficeFileRefused as exc:
        raise ValidationError({"file": f"{exc} It was not uploaded."}) from exc
    finally:
        file.seek(0)
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


def evidence_from_team_document(
    *, item: ChecklistItem, document: TeamDocument, by
) -> Evidence:
    """Offer a document the CCPOR Team attached to the item's template item (any
    version) as this item's evidence, without uploading it again: the evidence is
    a copy of the document's file, so that a later version leaves it as it was.
    The same refusals as an upload (closed onboarding, who may update the item is
    the caller's check); ValidationError if the document is not this item's."""
    onboarding_ensure_writable(item.onboarding)
    if item.template_item_id is None or document.template_item_id != (
        item.template_item_id
    ):
        raise ValidationError("That document is not one of this item's.")
    kind = evidence_extension_of(document.content_type)
    with transaction.atomic():
        evidence = Evidence(
            item=item,
            original_name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            uploaded_by=by,
        )
        with document.file.open("rb") as source:
            evidence.file.save(f"upload.{kind}", File(source), save=False)
        try:
            evidence.save()
        except Exception:
            evidence.file.delete(save=False)
            raise
    return evidence


def evidence_extension_of(content_type: str) -> str:
    """The file extension evidence of this (detected) content type is stored with."""
    for kind, (known_type, _) in EVIDENCE_TYPES.items():
        if known_type == content_type:
            return kind
    return "bin"

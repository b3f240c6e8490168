"""Uploads are bounded before they are read, and Office files are inspected with
bounded decompression: a zip bomb is refused fast with bounded memory, whatever it
declares; macros are refused however they are declared; XML is parsed with
defusedxml."""

import io
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.urls import reverse

from ccpor_onboard.lib.uploads import LimitedUploadHandler
from collaboration import services as collaboration_services
from collaboration.models import Evidence
from collaboration.services.evidence import EVIDENCE_MAX_BYTES
from tests.factories import evidence_bytes

pytestmark = pytest.mark.django_db

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
    '2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx(extra: dict | None = None, content_types: str = CONTENT_TYPES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def lying_bomb(*, declared: int, real: int) -> bytes:
    """A docx whose extra part declares `declared` bytes but inflates to `real`
    (a hand-built zip: zipfile would write the true size)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    payload = compressor.compress(b"\0" * real) + compressor.flush()
    good = docx()
    name = b"word/media/bomb.bin"
    crc = 0
    local = (
        struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            0,
            8,
            0,
            0,
            crc,
            len(payload),
            declared,
            len(name),
            0,
        )
        + name
        + payload
    )
    # Rebuild: the good archive's entries, then the bomb, then a central directory.
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    central = b""
    for info in source.infolist():
        offset = out.tell()
        raw = good[info.header_offset :]
        n, m = struct.unpack("<HH", raw[26:30])
        out.write(raw[: 30 + n + m + info.compress_size])
        central += (
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                info.CRC,
                info.compress_size,
                info.file_size,
                n,
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + info.filename.encode()
        )
    offset = out.tell()
    out.write(local)
    central += (
        struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(payload),
            declared,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )
    start = out.tell()
    out.write(central)
    count = len(source.infolist()) + 1
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), start, 0
        )
    )
    return out.getvalue()


def _refusal(content: bytes, name: str = "report.docx") -> str:
    from django.core.exceptions import ValidationError

    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as info:
        collaboration_services.evidence_validate(file=upload)
    return " ".join(info.value.messages)


def test_a_plain_docx_is_accepted():
    assert collaboration_services.evidence_validate(
        file=SimpleUploadedFile("a.docx", docx())
    ) == ("docx")


def test_a_part_that_declares_a_small_size_but_inflates_hugely_is_refused_fast():
    bomb = lying_bomb(declared=100, real=200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024  # 200 MB of zeros in a few hundred KB
    tracemalloc.start()
    began = time.monotonic()
    message = _refusal(bomb)
    took = time.monotonic() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "zip bomb" in message
    assert took < 1
    assert peak < 5 * 1024 * 1024


def test_a_part_that_declares_a_huge_size_is_refused_without_inflating_it():
    bomb = lying_bomb(declared=4 * 1024**3 - 1, real=1024 * 1024)
    began = time.monotonic()
    message = _refusal(bomb)
    assert time.monotonic() - began < 1
    assert "zip bomb" in message


def test_a_part_that_expands_a_thousandfold_is_refused():
    zeros = docx({"word/media/zeros.bin": b"\0" * (8 * 1024 * 1024)})
    assert "zip bomb" in _refusal(zeros)


def test_too_many_parts_are_refused():
    many = docx({f"word/p{i}.xml": "<p/>" for i in range(1001)})
    assert "parts; documents have far fewer" in _refusal(many)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (docx({"word/vbaProject.bin": b"macros"}), "report.docx"),
        (docx({"customUI/VBAPROJECT.BIN": b"macros"}), "report.docx"),
        (
            docx(
                content_types=CONTENT_TYPES.replace(
                    "</Types>",
                    '<Default Extension="bin" ContentType="application/vnd.'
                    'ms-office.vbaProject"/></Types>',
                )
            ),
            "report.docx",
        ),
        (evidence_bytes("docm"), "report.docx"),
        (docx(), "report.docm"),
        (docx(), "book.XLSM"),
    ],
)
def test_macros_are_refused_however_they_are_declared(content, name):
    assert "macro" in _refusal(content, name).lower()


def test_content_types_with_entities_are_refused():
    evil = (
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        + CONTENT_TYPES.split("?>", 1)[1].replace(
            'ContentType="application/xml"', 'ContentType="&b;"'
        )
    )
    assert "not valid" in _refusal(docx(content_types=evil))


def test_an_encrypted_part_is_refused():
    content = bytearray(docx())
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("word/document.xml")
    content[info.header_offset + 6] |= 1  # the local header's "encrypted" flag
    central = bytes(content).rindex(b"PK\x01\x02")
    content[central + 8] |= 1
    assert _refusal(bytes(content))


# --- Sizes, before the body is read -----------------------------------------------


def test_a_multipart_body_over_the_limit_is_a_413_and_never_read(
    client, start, court, court_lead, evidence_storage
):
    item = start(court).items.filter(actor="court").first()
    client.force_login(court_lead)
    url = reverse(
        "checklists:evidence_upload", kwargs={"slug": court.slug, "pk": item.pk}
    )
    read = []

    class Body(io.BytesIO):
        def read(self, *args):
            read.append(args)
            return super().read(*args)

    response = client.generic(
        "POST",
        url,
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.UPLOAD_MAX_REQUEST_BYTES + 1),
        **{"wsgi.input": Body(b"")},
    )
    assert response.status_code == 413
    assert "at most 11 MB may be sent" in response.content.decode()
    assert read == []
    assert not Evidence.objects.exists()


def test_the_request_limit_leaves_room_for_a_10_mb_file():
    assert settings.UPLOAD_MAX_REQUEST_BYTES > EVIDENCE_MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < EVIDENCE_MAX_BYTES  # to disk


def test_an_upload_without_a_length_stops_being_read_at_the_limit(rf):
    request = rf.post("/")
    handler = LimitedUploadHandler(request)
    chunk = b"x" * (1024 * 1024)
    with pytest.raises(StopUpload) as info:
        for n in range(100):
            handler.receive_data_chunk(chunk, n * len(chunk))
    assert info.value.connection_reset is True
    assert handler.received <= settings.UPLOAD_MAX_REQUEST_BYTES + len(chunk)
    assert "Nothing was saved" in request.upload_refused

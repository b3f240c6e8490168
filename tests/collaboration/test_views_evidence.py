"""Evidence: accepted types recognised from content, size limit, sanitised names,
random storage paths, the protective-order notice, and safe downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaboration import services as collaboration_services
from collaboration.models import Evidence
from tests.factories import evidence_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(start, court, frozen_today, evidence_storage):
    return start(court).items.get(order=11)


def upload(client, item, name: str, content: bytes):
    return client.post(
        reverse(
            "checklists:evidence_upload",
            kwargs={"slug": item.onboarding.court.slug, "pk": item.pk},
        ),
        {"file": SimpleUploadedFile(name, content, content_type="text/plain")},
    )


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [
        ("pdf", "application/pdf"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("png", "image/png"),
        ("jpg", "image/jpeg"),
    ],
)
def test_accepted_types_are_recognised_from_content(
    client, item, court_lead, evidence_storage, kind, content_type
):
    client.force_login(court_lead)
    # The name claims .txt, and the browser said text/plain: the content decides.
    response = upload(client, item, "Signed letter.txt", evidence_bytes(kind))
    assert response.status_code == 302
    evidence = Evidence.objects.get(item=item)
    assert evidence.content_type == content_type
    assert evidence.original_name == f"Signed letter.{kind}"
    assert evidence.uploaded_by == court_lead
    assert evidence.size == len(evidence_bytes(kind))
    stored = evidence_storage / evidence.file.name
    assert stored.read_bytes() == evidence_bytes(kind)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.pdf",
            b"MZ\x90\x00 an executable pretending to be a PDF",
            "is not one of the accepted types",
        ),
        ("macro.docx", evidence_bytes("docm"), "The file is macro-enabled"),
        ("archive.xlsx", evidence_bytes("zip"), "not a Word or Excel file"),
        ("notes.pdf", b"just some text", "is not one of the accepted types"),
        (
            "page.png",
            b"<html><script>alert(1)</script></html>",
            "is not one of the accepted types",
        ),
    ],
)
def test_other_content_is_refused_whatever_the_name(
    client, item, court_lead, name, content, message
):
    client.force_login(court_lead)
    response = upload(client, item, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_files_over_10_mb_are_refused(client, item, court_lead):
    client.force_login(court_lead)
    too_big = evidence_bytes("pdf", size=10 * 1024 * 1024 + 1)
    response = upload(client, item, "big.pdf", too_big)
    assert "evidence may be at most 10 MB" in response.content.decode()
    assert not Evidence.objects.exists()
    exactly = evidence_bytes("pdf", size=10 * 1024 * 1024)
    assert upload(client, item, "ok.pdf", exactly).status_code == 302


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\Sign-off (final).pdf", "Sign-off_final.pdf"),
        ('<script>"x".pdf', "script_x.pdf"),
        ("Test results – Ω.pdf", "Test results.pdf"),
        ("...pdf", "evidence.pdf"),
    ],
)
def test_names_are_sanitised(client, item, court_lead, name, expected):
    client.force_login(court_lead)
    upload(client, item, name, evidence_bytes("pdf"))
    assert Evidence.objects.get().original_name == expected


def test_stored_paths_are_random_and_under_media_root(
    client, item, court_lead, evidence_storage
):
    client.force_login(court_lead)
    upload(client, item, "Quarterly-sign-off.pdf", evidence_bytes("pdf"))
    upload(client, item, "Quarterly-sign-off.pdf", evidence_bytes("pdf"))
    first, second = Evidence.objects.order_by("id")
    assert first.file.name != second.file.name
    for e in (first, second):
        assert e.file.name.startswith("evidence/") and e.file.name.endswith(".pdf")
        assert "Quarterly" not in e.file.name
        assert f"/{item.pk}/" not in e.file.name
        assert len(e.file.name) > 40
        assert (evidence_storage / e.file.name).is_file()


def test_upload_form_warns_against_protective_order_data(client, item, court_lead):
    client.force_login(court_lead)
    html = client.get(
        reverse(
            "checklists:item_detail",
            kwargs={"slug": item.onboarding.court.slug, "pk": item.pk},
        )
    ).content.decode()
    assert "No protective-order data." in html
    assert "order images, party names" in html and "dates of birth" in html
    assert 'enctype="multipart/form-data"' in html


def test_download_is_an_attachment_with_nosniff_for_those_who_see_the_item(
    client, item, court_lead, court_liaison, other_lead
):
    evidence = collaboration_services.evidence_upload(
        item=item,
        file=SimpleUploadedFile("Sign-off.pdf", evidence_bytes("pdf")),
        by=court_lead,
    )
    path = reverse(
        "checklists:evidence_download",
        kwargs={
            "slug": item.onboarding.court.slug,
            "pk": item.pk,
            "evidence_pk": evidence.pk,
        },
    )
    client.force_login(court_liaison)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Sign-off.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == evidence_bytes("pdf")
    client.force_login(other_lead)
    assert client.get(path).status_code == 404


def test_evidence_of_internal_items_is_hidden_from_members(
    client, start, court, court_lead, staff_user, frozen_today, evidence_storage
):
    internal = start(court).items.get(order=23)
    evidence = collaboration_services.evidence_upload(
        item=internal,
        file=SimpleUploadedFile("staging.png", evidence_bytes("png")),
        by=staff_user,
    )
    path = reverse(
        "checklists:evidence_download",
        kwargs={"slug": court.slug, "pk": internal.pk, "evidence_pk": evidence.pk},
    )
    client.force_login(court_lead)
    assert client.get(path).status_code == 404
    client.force_login(staff_user)
    assert client.get(path).status_code == 200


def test_evidence_of_another_item_cannot_be_fetched_through_this_one(
    client, start, court, court_lead, frozen_today, evidence_storage
):
    onboarding = start(court)
    a, b = onboarding.items.get(order=11), onboarding.items.get(order=13)
    evidence = collaboration_services.evidence_upload(
        item=a, file=SimpleUploadedFile("a.pdf", evidence_bytes("pdf")), by=court_lead
    )
    client.force_login(court_lead)
    path = reverse(
        "checklists:evidence_download",
        kwargs={"slug": court.slug, "pk": b.pk, "evidence_pk": evidence.pk},
    )
    assert client.get(path).status_code == 404


def test_admin_adds_evidence_through_the_same_checks(
    admin_client, item, evidence_storage
):
    url = reverse("admin:collaboration_evidence_add")
    refused = admin_client.post(
        url,
        {"item": item.pk, "file": SimpleUploadedFile("x.pdf", b"not a pdf")},
    )
    assert refused.status_code == 200
    assert "is not one of the accepted types" in refused.content.decode()
    assert not Evidence.objects.exists()
    accepted = admin_client.post(
        url,
        {"item": item.pk, "file": SimpleUploadedFile("x.txt", evidence_bytes("png"))},
    )
    assert accepted.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "x.png" and evidence.content_type == "image/png"

"""The CCPOR Team's documents on template items: versions, the current one on every
onboarding's item, the older ones kept, the upload checks, who may do what."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaboration import services as collaboration_services
from collaboration.models import TeamDocument
from tests.conftest import TODAY
from tests.factories import evidence_bytes

pytestmark = pytest.mark.django_db

GUIDE = 5  # "Court Planning Guide delivered"


@pytest.fixture
def guide_item(default_template):
    return default_template.items.get(order=GUIDE)


def upload(template_item, version, by, *, kind="pdf", title="Court Planning Guide"):
    return collaboration_services.team_document_upload(
        template_item=template_item,
        title=title,
        version=version,
        document_date=TODAY - datetime.timedelta(days=30),
        file=SimpleUploadedFile(f"guide-{version}.{kind}", evidence_bytes(kind)),
        by=by,
    )


def test_replacing_a_document_keeps_the_old_version(
    guide_item, staff_user, evidence_storage
):
    first = upload(guide_item, "1.0", staff_user)
    second = upload(guide_item, "1.1", staff_user, kind="docx")

    assert first.original_name == "guide-1.0.pdf"
    assert second.content_type.endswith("wordprocessingml.document")
    assert TeamDocument.objects.count() == 2
    assert first.file.storage.exists(first.file.name)  # the old file is kept


def test_a_version_is_uploaded_once_per_title(guide_item, staff_user, evidence_storage):
    upload(guide_item, "1.0", staff_user)
    with pytest.raises(ValidationError) as refused:
        upload(guide_item, " 1.0 ", staff_user)
    assert "already has a version 1.0" in refused.value.message_dict["version"][0]
    # Another title may have its own 1.0.
    upload(guide_item, "1.0", staff_user, title="Deployment package")


def test_the_evidence_checks_apply(guide_item, staff_user, evidence_storage):
    for kind in ("docm", "zip"):
        with pytest.raises(ValidationError) as refused:
            upload(guide_item, f"v-{kind}", staff_user, kind=kind)
        assert "file" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        collaboration_services.team_document_upload(
            template_item=guide_item,
            title="",
            version="",
            document_date=TODAY,
            file=None,
            by=staff_user,
        )
    assert set(refused.value.message_dict) == {"title", "version"}
    assert not TeamDocument.objects.exists()


def test_every_onboardings_item_shows_the_current_version_and_lists_the_old(
    client,
    start,
    court,
    other_court,
    court_lead,
    other_lead,
    guide_item,
    staff_user,
    evidence_storage,
    frozen_today,
):
    a, b = start(court), start(other_court)
    old = upload(guide_item, "1.0", staff_user)
    current = upload(guide_item, "1.1", staff_user)

    for onboarding, slug, member in (
        (a, "court-a", court_lead),
        (b, "court-b", other_lead),
    ):
        it = onboarding.items.get(order=GUIDE)
        client.force_login(member)
        html = client.get(
            reverse("checklists:item_detail", kwargs={"slug": slug, "pk": it.pk})
        ).content.decode()
        current_url = reverse(
            "checklists:team_document_download",
            kwargs={"slug": slug, "pk": it.pk, "document_pk": current.pk},
        )
        old_url = reverse(
            "checklists:team_document_download",
            kwargs={"slug": slug, "pk": it.pk, "document_pk": old.pk},
        )
        assert "Documents from the CCPOR Team" in html
        link = f'<a href="{current_url}" download><strong>Court Planning Guide'
        assert link + "</strong></a>, version 1.1" in html
        assert "Earlier versions (1)" in html and old_url in html
        # Members read them, but do not upload.
        assert "Attach a document" not in html
        response = client.get(current_url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="guide-1.1.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert client.get(old_url).status_code == 200


def test_a_document_of_another_item_or_court_is_not_found(
    client, start, court, court_lead, guide_item, staff_user, evidence_storage
):
    onboarding = start(court)
    document = upload(guide_item, "1.0", staff_user)
    other_item = onboarding.items.get(order=GUIDE + 1)
    client.force_login(court_lead)
    url = reverse(
        "checklists:team_document_download",
        kwargs={"slug": "court-a", "pk": other_item.pk, "document_pk": document.pk},
    )
    assert client.get(url).status_code == 404


def test_staff_upload_on_the_item_page_for_every_onboarding(
    client, start, court, staff_user, evidence_storage, frozen_today
):
    it = start(court).items.get(order=24)  # Test Plan issued
    client.force_login(staff_user)
    url = reverse(
        "checklists:team_document_upload", kwargs={"slug": "court-a", "pk": it.pk}
    )
    response = client.post(
        url,
        {
            "title": "Test Plan",
            "version": "3.2",
            "document_date": "2026-02-01",
            "file": SimpleUploadedFile("plan.pdf", evidence_bytes("pdf")),
        },
        follow=True,
    )
    assert "version 3.2 is now the current version" in response.content.decode()
    document = TeamDocument.objects.get()
    assert document.template_item_id == it.template_item_id
    assert document.document_date == datetime.date(2026, 2, 1)

    refused = client.post(
        url,
        {
            "title": "Test Plan",
            "version": "3.3",
            "document_date": "2026-02-01",
            "file": SimpleUploadedFile("plan.pdf", b"MZ not a document"),
        },
    )
    assert refused.status_code == 200
    assert "not one of the accepted types" in refused.content.decode()
    assert TeamDocument.objects.count() == 1


def test_members_cannot_upload_team_documents(
    client, start, court, court_lead, evidence_storage
):
    it = start(court).items.get(order=GUIDE)
    client.force_login(court_lead)
    url = reverse(
        "checklists:team_document_upload", kwargs={"slug": "court-a", "pk": it.pk}
    )
    response = client.post(
        url,
        {
            "title": "Fake",
            "version": "1",
            "document_date": "2026-02-01",
            "file": SimpleUploadedFile("x.pdf", evidence_bytes("pdf")),
        },
    )
    assert response.status_code == 403
    assert not TeamDocument.objects.exists()


def test_the_admin_adds_a_document_through_the_same_checks(
    client, superuser, guide_item, evidence_storage
):
    client.force_login(superuser)
    url = reverse("admin:collaboration_teamdocument_add")
    data = {
        "template_item": guide_item.pk,
        "title": "Court Planning Guide",
        "version": "2.0",
        "document_date": "2026-01-15",
    }
    refused = client.post(
        url, {**data, "file": SimpleUploadedFile("g.pdf", evidence_bytes("docm"))}
    )
    assert refused.status_code == 200 and not TeamDocument.objects.exists()
    response = client.post(
        url, {**data, "file": SimpleUploadedFile("g.pdf", evidence_bytes("pdf"))}
    )
    assert response.status_code == 302
    document = TeamDocument.objects.get()
    assert (document.uploaded_by, document.content_type) == (
        superuser,
        "application/pdf",
    )
    again = client.post(
        url, {**data, "file": SimpleUploadedFile("g.pdf", evidence_bytes("pdf"))}
    )
    assert again.status_code == 200
    assert "already has a version 2.0" in again.content.decode()


def test_a_team_document_is_offered_as_the_items_evidence_without_a_new_upload(
    client,
    start,
    court,
    court_lead,
    other_lead,
    staff_user,
    guide_item,
    evidence_storage,
):
    # A document the team attaches to a court item (a form the court fills in).
    court_item = guide_item.template.items.filter(actor="court").first()
    document = upload(court_item, "2.0", staff_user)
    onboarding = start(court, go_live_in=120)
    item = onboarding.items.get(template_item=court_item)
    page = reverse("checklists:item_detail", args=[court.slug, item.pk])
    offer = reverse(
        "checklists:evidence_from_document", args=[court.slug, item.pk, document.pk]
    )
    client.force_login(court_lead)
    assert offer in client.get(page).content.decode()
    response = client.post(offer)
    assert response.status_code == 302
    [evidence] = item.evidence.all()
    assert (evidence.original_name, evidence.uploaded_by) == (
        "guide-2.0.pdf",
        court_lead,
    )
    # A copy: the same bytes, its own file.
    assert evidence.file.name != document.file.name
    with evidence.file.open("rb") as copy, document.file.open("rb") as original:
        assert copy.read() == original.read()
    # Another court's lead cannot, and learns nothing of the document (404).
    client.force_login(other_lead)
    assert client.post(offer).status_code == 404
    # A document of another item is refused by the service.
    other_item = onboarding.items.exclude(template_item=court_item).first()
    with pytest.raises(ValidationError):
        collaboration_services.evidence_from_team_document(
            item=other_item, document=document, by=court_lead
        )
    assert item.evidence.count() == 1

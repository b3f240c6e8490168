import datetime

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from checklists.models import ChecklistTemplate, Phase, TemplateItem
from courts.models import Court, Membership


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def ccpor_staff(user, create, extracted, **kwargs):
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=settings.CCPOR_TEAM_GROUP)
            user.groups.add(group)


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court

    name = factory.Sequence(lambda n: f"Test Court {n:05d}")
    slug = factory.Sequence(lambda n: f"test-court-{n:05d}")
    county = factory.Sequence(lambda n: f"County {n}")
    court_type = Court.CourtType.SUPERIOR
    district = 1


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    court = factory.SubFactory(CourtFactory)
    organisation = Membership.Organisation.COURT
    role = Membership.Role.PROJECT_LEAD


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    version = 1
    is_active = True


class TemplateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateItem

    template = factory.SubFactory(TemplateFactory)
    phase = factory.LazyFunction(lambda: Phase.objects.get(slug="planning"))
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Item {n}")
    actor = "court"
    kind = "activity"
    offset_days = -30


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def bulk_onboardings(
    count: int,
    *,
    template: ChecklistTemplate,
    go_live_date: datetime.date,
    prefix: str = "bulk",
):
    """`count` superior courts, each with an active onboarding and a full copy of the
    template's items, made with bulk_create: a few queries, however many courts."""
    from checklists.models import ChecklistItem, Onboarding
    from checklists.services import (
        checklist_item_from_template,
        onboarding_summaries_refresh,
    )

    courts = Court.objects.bulk_create(
        Court(
            name=f"{prefix.title()} Court {n:05d}",
            slug=f"{prefix}-court-{n:05d}",
            court_type=Court.CourtType.SUPERIOR,
            district=n % 6 + 1,
        )
        for n in range(count)
    )
    onboardings = Onboarding.objects.bulk_create(
        Onboarding(
            court=court,
            template=template,
            go_live_date=go_live_date,
            court_enters_carpos=True,
            so_participates=True,
        )
        for court in courts
    )
    template_items = list(template.items.all())
    # The same copy of a template item as onboarding_start makes.
    ChecklistItem.objects.bulk_create(
        (
            checklist_item_from_template(
                t, onboarding=onboarding, go_live_date=go_live_date
            )
            for onboarding in onboardings
            for t in template_items
        ),
        batch_size=2000,
    )
    onboarding_summaries_refresh(onboarding_ids=[o.pk for o in onboardings])
    return onboardings


def evidence_bytes(kind: str, *, size: int = 0) -> bytes:
    """A small file whose *content* is of the given kind ("pdf", "docx", "xlsx", "png",
    "jpg", "docm", "zip"), padded to at least `size` bytes where the format allows."""
    import io
    import zipfile

    heads = {
        "pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17,
        "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16,
    }
    if kind in heads:
        data = heads[kind]
        return data + b"\x00" * max(0, size - len(data))
    ooxml = {
        "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
        "docm": ("word/document.xml", "ms-word.document.macroEnabled.main+xml"),
        "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind in ooxml:
            part, content_type = ooxml[kind]
            archive.writestr(
                "[Content_Types].xml",
                f'<Types><Override PartName="/{part}" '
                f'ContentType="application/vnd.openxmlformats-officedocument.'
                f'{content_type}"/></Types>',
            )
            archive.writestr(part, "<document/>")
        else:
            archive.writestr("readme.txt", "just a zip")
        if size:
            archive.writestr("padding.bin", b"\x00" * size)
    return buffer.getvalue()


def cancel_onboarding(onboarding, *, by, reason: str = "Cancelled in a test."):
    """Cancel an active onboarding through the Go-Live service."""
    from golive.services import onboarding_cancel

    return onboarding_cancel(onboarding=onboarding, by=by, reason=reason)


def force_status(onboarding, status: str):
    """Put an onboarding in a status without passing its gates: set-up for tests of
    other rules only (the product moves a status only through golive.services)."""
    from checklists.models import Onboarding

    Onboarding.objects.filter(pk=onboarding.pk).update(status=status)
    onboarding.status = status
    return onboarding


def attach_evidence(item, *, by, name: str = "evidence.pdf"):
    """A small PDF as an item's evidence, through the upload service (its checks)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from collaboration.services import evidence_upload

    return evidence_upload(
        item=item, file=SimpleUploadedFile(name, evidence_bytes("pdf")), by=by
    )


def incident_owing_mail(onboarding, *, severity: str = "P3"):
    """An incident on `onboarding` with its mail owed, as `incident_report` records
    them (without its live-court rule: set-up for the tests of the mail itself)."""
    from django.utils import timezone

    from golive.models import Incident, IncidentMail

    reported = timezone.now()
    incident = Incident.objects.create(
        onboarding=onboarding,
        title="Scanner drops pages",
        description="The last page of long filings is missing.",
        severity=severity,
        category="scanning",
        reported_at=reported,
        respond_by=reported + datetime.timedelta(days=2),
    )
    IncidentMail.objects.create(incident=incident)
    return incident

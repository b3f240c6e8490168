"""The CCPOR Team's documents, attached to template items, with their versions."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ccpor_onboard.lib.bounds import field_error
from ccpor_onboard.lib.dates import today_in_california
from checklists import limits
from checklists.models import TemplateItem

from ..models import TeamDocument
from .evidence import EVIDENCE_TYPES, evidence_clean_name, evidence_validate


def team_document_validate(
    *,
    template_item: TemplateItem | None,
    title: str,
    version: str,
    document_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> tuple[str, str]:
    """The title and version as they will be kept (spaces tidied); ValidationError
    keyed by field if one is missing or out of bounds (control characters; a date
    more than ten years from `today`, California's by default), or the title
    already has that version."""
    errors = {}
    for name, value in (("title", title), ("version", version)):
        if problem := field_error(TeamDocument, name, value):
            errors[name] = problem
    title = " ".join((title or "").split())
    version = " ".join((version or "").split())
    if document_date is not None:
        problem = field_error(
            TeamDocument, "document_date", document_date
        ) or limits.date_too_far(
            document_date, today or today_in_california(), what="The document's date"
        )
        if problem:
            errors["document_date"] = problem
    if not title:
        errors["title"] = "Name the document (e.g. Court Planning Guide)."
    if not version:
        errors["version"] = "Give the document's version (e.g. 2.1)."
    elif "version" not in errors and (
        template_item is not None
        and TeamDocument.objects.filter(
            template_item=template_item, title__iexact=title, version__iexact=version
        ).exists()
    ):
        errors["version"] = (
            f"“{title}” already has a version {version}; give the new one its own "
            "version."
        )
    if errors:
        raise ValidationError(errors)
    return title, version


def team_document_upload(
    *,
    template_item: TemplateItem,
    title: str,
    version: str,
    document_date: datetime.date,
    file,
    by,
) -> TeamDocument:
    """Attach a version of a CCPOR Team document (the Court Planning Guide, the Test
    Plan...) to a template item; every onboarding's copy of the item shows the
    newest version of each title, and older versions stay listed.

    The file passes the evidence checks (PDF, DOCX, XLSX, PNG or JPEG recognised from
    its content, at most 10 MB). A title and a version are required, and a title's
    version can be uploaded once. ValidationError keyed by field otherwise.
    """
    title, version = team_document_validate(
        template_item=template_item,
        title=title,
        version=version,
        document_date=document_date,
    )
    kind = evidence_validate(file=file)
    content_type, _ = EVIDENCE_TYPES[kind]
    document = TeamDocument(
        template_item=template_item,
        title=title,
        version=version,
        document_date=document_date,
        original_name=evidence_clean_name(getattr(file, "name", ""), kind=kind),
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
    )
    document.file.save(f"upload.{kind}", file, save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:
        document.file.delete(save=False)
        raise ValidationError(
            {"version": f"“{title}” already has a version {version}."}
        ) from exc
    except Exception:
        document.file.delete(save=False)
        raise
    return document

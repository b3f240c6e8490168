"""The files of an item page: its evidence and the CCPOR Team's documents, as
downloads, and a team document offered as the item's evidence. The pages that
upload them are the item page's (portal/views/items.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect

from checklists import access
from collaboration import access as collaboration_access
from collaboration import services as collaboration_services
from courts.access import require


def _item_url(item) -> str:
    return item.get_absolute_url()


@access.item_view("POST")
def evidence_from_document(request, item, document_pk: int):
    """A CCPOR Team document of the item offered as its evidence (a copy, no upload
    again), by whoever may update the item."""
    user = request.user
    require(access.can_update_item(user, item), access.update_refusal(user, item))
    document = collaboration_access.team_document_for_user(
        user, item.onboarding.court, item.pk, document_pk
    )
    try:
        evidence = collaboration_services.evidence_from_team_document(
            item=item, document=document, by=user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"“{evidence.original_name}” is now evidence of this item."
        )
    return redirect(_item_url(item) + "#evidence")


@access.item_view("GET")
def evidence_download(request, item, evidence_pk: int):
    """The file, as an attachment, to those who may see its item."""
    evidence = collaboration_access.evidence_for_user(
        request.user, item.onboarding.court, item.pk, evidence_pk
    )
    return _attachment(evidence.file, evidence.original_name, evidence.content_type)


def _attachment(file, name: str, content_type: str) -> FileResponse:
    """A stored file as a download that no browser runs or sniffs."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@access.item_view("GET")
def team_document_download(request, item, document_pk: int):
    """A CCPOR Team document (current or older version), to those who may see the
    item, as an attachment."""
    document = collaboration_access.team_document_for_user(
        request.user, item.onboarding.court, item.pk, document_pk
    )
    return _attachment(document.file, document.original_name, document.content_type)

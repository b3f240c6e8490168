"""Who may see evidence and the CCPOR Team's documents: whoever may see their item
(`checklists.access.item_for_user`, the one place for item rules); Http404
otherwise, so that a stranger cannot learn that a record exists."""

from django.shortcuts import get_object_or_404

from checklists.access import item_for_user
from courts.models import Court

from .models import Evidence, TeamDocument


def evidence_for_user(
    user, court: Court | str, item_pk: int, evidence_pk: int
) -> Evidence:
    """A piece of evidence, for those who may see its item; Http404 otherwise."""
    item = item_for_user(user, court, item_pk)
    return get_object_or_404(Evidence.objects.filter(item=item), pk=evidence_pk)


def team_document_for_user(
    user, court: Court | str, item_pk: int, document_pk: int
) -> TeamDocument:
    """A CCPOR Team document (any version) of an item's template item, for those who
    may see the item; Http404 otherwise."""
    item = item_for_user(user, court, item_pk)
    return get_object_or_404(
        TeamDocument.objects.filter(template_item_id=item.template_item_id),
        pk=document_pk,
    )

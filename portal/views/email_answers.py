"""One-click answers from a mail (notifications.answer_links): the link opens a
short confirmation page for its item; only its POST acts, through the same services
as the item page (item status and note, evidence upload), with the same refusals.

The link is the person's credential for this one answer, not a sign-in: nobody is
signed in by it. It works for the person the mail was sent to only (a browser
signed in as someone else is refused), never for CCPOR staff, once, and until it
expires; an unusable link falls back to the sign-in page, with the item's page
next. The link is used up only when the answer is saved: a refused answer (a
missing reason, evidence that is not accepted, an item changed meanwhile) can be
corrected and sent again.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ccpor_onboard.lib.requests import add_service_error
from checklists import access, services
from checklists.models import ChecklistItem
from collaboration import services as collaboration_services
from notifications.answer_links import (
    ACTIONS,
    LinkUnusable,
    answer_link_read,
    answer_link_use,
)

from ..forms import EmailAnswerForm

CHANGE_REASON = "Answered from an e-mail link"


def _fall_back_to_sign_in(request, message: str, item: ChecklistItem | None = None):
    messages.info(request, message)
    return redirect_to_login(item.get_absolute_url() if item else "/")


def _act(*, link, action: str, item: ChecklistItem, user, data: dict) -> None:
    """The answer, through the item's services; the link is used up with it."""
    with transaction.atomic():
        answer_link_use(link=link)
        if data.get("file"):
            collaboration_services.evidence_upload(
                item=item, file=data["file"], by=user
            )
        status = {
            "done": ChecklistItem.Status.DONE,
            "blocked": ChecklistItem.Status.BLOCKED,
        }.get(action, item.status)
        services.item_set_status(
            item=item,
            status=status,
            by=user,
            expected_version=data["expected_version"],
            note=data.get("note", ""),
            reason=data.get("reason") or item.blocked_reason,
            change_reason=CHANGE_REASON,
        )


@never_cache  # the page is reached by a personal link: no cache keeps it
@require_http_methods(["GET", "POST"])
def email_answer(request, token: str):
    try:
        link = answer_link_read(token)
    except LinkUnusable as exc:
        return _fall_back_to_sign_in(request, str(exc))
    user = get_user_model().objects.filter(pk=link.user_id, is_active=True).first()
    if user is None or not link.is_for_address(user.email):
        return _fall_back_to_sign_in(
            request, "This link no longer works for your account: sign in to answer."
        )
    if request.user.is_authenticated and request.user.pk != user.pk:
        return render(request, "portal/email_answer_refused.html", status=403)
    item = (
        ChecklistItem.objects.visible_to(user)
        .select_related("onboarding__court")
        .filter(pk=link.item_id)
        .first()
    )
    if item is None:
        return _fall_back_to_sign_in(request, "This item is no longer yours to see.")
    refusal = access.email_answer_refusal(user, item)
    if refusal:
        return _fall_back_to_sign_in(request, refusal, item)
    needs_evidence = item.evidence_required and not item.evidence.exists()
    form = EmailAnswerForm(
        request.POST or None,
        request.FILES or None,
        action=link.action,
        needs_evidence=needs_evidence,
        initial={"expected_version": item.version},
    )
    refused = getattr(request, "upload_refused", None)  # the body was too large
    if request.method == "POST" and refused:
        form.is_valid()
        form.add_error("file" if "file" in form.fields else None, refused)
    elif request.method == "POST" and form.is_valid():
        try:
            _act(
                link=link,
                action=link.action,
                item=item,
                user=user,
                data=form.cleaned_data,
            )
        except LinkUnusable as exc:
            return _fall_back_to_sign_in(request, str(exc), item)
        except services.StaleEditError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            item.refresh_from_db()
            return render(
                request, "portal/email_answer_done.html", {"item": item, "who": user}
            )
    return render(
        request,
        "portal/email_answer.html",
        {
            "form": form,
            "item": item,
            "court": item.onboarding.court,
            "who": user,
            "action": link.action,
            "action_label": ACTIONS[link.action],
        },
    )

"""One checklist item: its page, status changes (inline with htmx or as a plain form),
its owner, evidence, comments, verification, meetings, the CCPOR Team's documents,
and bulk status changes from the court page.

The item page composes the checklist (`checklists`) and what people add around
an item (`collaboration`). Every lookup goes through checklists.access and
collaboration.access (404 for what the user may not see, 403 for what they see but
may not change); every write through checklists.services or collaboration.services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from ccpor_onboard.lib.dates import today_in_california
from ccpor_onboard.lib.requests import add_service_error, safe_next_url
from checklists import access, selectors, services
from checklists.forms import (
    BulkStatusForm,
    ItemOwnerForm,
    ItemReopenForm,
    ItemStatusForm,
    ItemVersionForm,
)
from checklists.health import LATE_AFTER_DAYS
from checklists.models import Actor
from collaboration import selectors as collaboration_selectors
from collaboration import services as collaboration_services
from collaboration.forms import (
    CommentForm,
    EvidenceUploadForm,
    MeetingForm,
    TeamDocumentForm,
)
from courts.access import court_view, is_ccpor_staff, require
from golive.selectors import court_incidents
from notifications.mentions import mentions_not_reached
from notifications.selectors import mention_candidates

from ..todo import todo_list


def _item_url(item) -> str:
    return item.get_absolute_url()


def _next_or(request, default: str) -> str:
    """The page to return to after a plain (no-JavaScript) form post."""
    return safe_next_url(request, request.POST.get("next", ""), default)


def _render_item(request, item, *, status: int = 200, **forms):
    """The item page, with any bound forms (and their errors) passed in."""
    user = request.user
    refusal = access.update_refusal(user, item)
    can_update = not refusal
    status_form = forms.get("status_form") or (
        ItemStatusForm.for_item(item) if can_update else None
    )
    evidence_form = forms.get("evidence_form") or EvidenceUploadForm()
    comment_form = forms.get("comment_form") or CommentForm()
    reopen_form = forms.get("reopen_form") or ItemReopenForm(
        initial={"expected_version": item.version}
    )
    can_set_owner = access.can_set_owner(user, item)
    can_schedule = access.can_schedule_meeting(user, item)
    can_upload_document = access.can_upload_team_document(user, item)
    # Only the forms the person can use are built and rendered.
    owner_form = meeting_form = document_form = None
    if can_set_owner:
        owner_form = forms.get("owner_form") or ItemOwnerForm(item=item)
    if can_schedule and item.is_schedulable:
        meeting_form = forms.get("meeting_form") or MeetingForm.for_item(item)
    if can_upload_document:
        document_form = forms.get("document_form") or TeamDocumentForm()
    context = {
        "court": item.onboarding.court,
        "onboarding": item.onboarding,
        "item": item,
        "is_overdue": item.is_overdue_on(today_in_california()),
        "can_update": can_update,
        "update_refusal": refusal,
        "can_comment": (can_comment := access.can_comment(user, item)),
        # The @mention suggestions of the comment box (static/js/mentions.js).
        "mention_people": (
            mention_candidates(item.onboarding.court, internal_only=item.internal_only)
            if can_comment
            else None
        ),
        "can_verify": access.can_verify_item(user, item),
        "can_reopen": access.can_reopen_item(user, item),
        "status_form": status_form,
        "evidence_form": evidence_form,
        "comment_form": comment_form,
        "reopen_form": reopen_form,
        "conflict": forms.get("conflict"),
        "can_set_owner": can_set_owner,
        "owner_form": owner_form,
        "can_schedule": can_schedule,
        "meeting_form": meeting_form,
        "can_upload_document": can_upload_document,
        "document_form": document_form,
        "team_documents": collaboration_selectors.item_team_documents(item),
        "dependencies": selectors.item_dependencies(user, item),
        "evidence": collaboration_selectors.item_evidence(item),
        "comments": collaboration_selectors.item_comments(item),
        "history": selectors.item_history(item),
    }
    return render(request, "checklists/item_detail.html", context, status=status)


@access.item_view("GET")
def item_detail(request, item):
    return _render_item(request, item)


def _htmx_return_url(request, court) -> str:
    """The page the inline form sits on (htmx says), for its no-JS `next` field."""
    current = request.htmx.current_url_abs_path or ""
    if current.startswith(court.get_absolute_url()):
        return current
    return court.get_absolute_url()


def _render_row(request, item, *, form=None, saved=False, conflict=None):
    """The item's row of the court page and (out of band) the page's summary, for
    htmx: the status changes in place, the progress bars follow."""
    day, user = today_in_california(), request.user
    row = selectors.court_item_row(user, item, today=day)
    onboarding = row.onboarding
    selectors.onboardings_with_status(
        [onboarding], today=day, include_internal=is_ccpor_staff(user)
    )
    actor = access.actor_for_user(user, onboarding.court_id)
    next_actions = todo_list(
        user,
        onboarding,
        items=selectors.court_page_items(
            user, onboarding, today=day, mine=True, open_only=True
        )
        if actor
        else [],
        actor=actor,
        incidents=court_incidents(onboarding.court),
        staff=is_ccpor_staff(user),
        today=day,
    )
    return render(
        request,
        "checklists/_item_row_response.html",
        {
            "court": onboarding.court,
            "onboarding": onboarding,
            "item": row,
            "row_form": form,
            "saved": saved,
            "conflict": conflict,
            "today": day,
            "late_after_days": LATE_AFTER_DAYS,
            "can_manage": access.offers_plan_changes(user, onboarding),
            "next_url": _htmx_return_url(request, onboarding.court),
            "next_actions": next_actions,
            "next_actions_for": Actor(actor) if actor else None,
        },
    )


@access.item_view("POST")
def item_status(request, item):
    """Change status (and note). With htmx the row comes back; without, the person
    returns to where they were, or sees the item page with the errors."""
    user = request.user
    require(access.can_update_item(user, item), access.update_refusal(user, item))
    inline = bool(request.htmx)
    form = ItemStatusForm(
        request.POST, auto_id=f"id_item{item.pk}_%s" if inline else "id_%s"
    )
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            updated = services.item_set_status(
                item=item,
                status=data["status"],
                by=user,
                expected_version=data["expected_version"],
                note=data["note"],
                reason=data["reason"],
            )
        except services.StaleEditError as exc:
            conflict = exc.current
            form.add_error(None, str(exc))
            # Show the current item; a second, deliberate save applies the change.
            form.data = form.data.copy()
            form.data["expected_version"] = str(conflict.version)
            conflict.onboarding.court = item.onboarding.court
            item = conflict
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            updated.onboarding.court = item.onboarding.court
            if inline:
                return _render_row(request, updated, saved=True)
            messages.success(
                request,
                f"“{updated.title}” is now {updated.get_status_display().lower()}.",
            )
            return redirect(_next_or(request, _item_url(updated)))
    if inline:
        return _render_row(request, item, form=form, conflict=conflict)
    return _render_item(request, item, status_form=form, conflict=conflict)


@access.item_view("POST")
def evidence_upload(request, item):
    user = request.user
    require(access.can_update_item(user, item), access.update_refusal(user, item))
    form = EvidenceUploadForm(request.POST, request.FILES)
    refused = getattr(request, "upload_refused", None)  # the body was too large
    if refused:
        form.is_valid()
        form.errors["file"] = form.error_class([refused])
    elif form.is_valid():
        try:
            evidence = collaboration_services.evidence_upload(
                item=item, file=form.cleaned_data["file"], by=user
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Uploaded “{evidence.original_name}”.")
            return redirect(_item_url(item) + "#evidence")
    return _render_item(request, item, evidence_form=form)


@access.item_view("POST")
def comment_add(request, item):
    user = request.user
    require(access.can_comment(user, item), "Only this court's members can comment.")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            collaboration_services.comment_add(
                item=item, body=form.cleaned_data["body"], by=user
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Comment posted.")
            _say_mentions_not_reached(request, item, form.cleaned_data["body"])
            return redirect(_item_url(item) + "#comments")
    return _render_item(request, item, comment_form=form)


def _say_mentions_not_reached(request, item, body: str) -> None:
    """Tell the author at once which of their @mentions no one will be told of."""
    missed = mentions_not_reached(
        body, court=item.onboarding.court, internal_only=item.internal_only
    )
    if missed:
        messages.warning(
            request, "Not told, so not reached: " + "; ".join(missed) + "."
        )


def _stale(form, exc, item):
    """Show the current item after a refused stale edit; a second save applies."""
    form.add_error(None, str(exc))
    form.data = form.data.copy()
    form.data["expected_version"] = str(exc.current.version)
    exc.current.onboarding.court = item.onboarding.court
    return exc.current


@access.item_view("POST")
def item_owner(request, item):
    """Name the item's owner (whoever may update the item)."""
    user = request.user
    require(access.can_set_owner(user, item), access.update_refusal(user, item))
    form = ItemOwnerForm(request.POST, item=item)
    conflict = None
    if form.is_valid():
        try:
            updated = services.item_set_owner(
                item=item,
                owner=form.cleaned_data["owner"],
                by=user,
                expected_version=form.cleaned_data["expected_version"],
            )
        except services.StaleEditError as exc:
            conflict = item = _stale(form, exc, item)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            owner = updated.owner
            messages.success(
                request,
                f"{owner} now owns “{item.title}”." if owner else "Owner removed.",
            )
            return redirect(_item_url(item))
    return _render_item(request, item, owner_form=form, conflict=conflict)


@access.item_view("POST")
def item_meeting(request, item):
    """Schedule a meeting or training, or record where, who and the minutes."""
    user = request.user
    require(
        access.can_schedule_meeting(user, item),
        "Only the CCPOR Team schedules meetings and trainings.",
    )
    form = MeetingForm(request.POST)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            collaboration_services.item_set_meeting(
                item=item,
                by=user,
                expected_version=data["expected_version"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                attendees=data["attendees"],
                minutes=data["minutes"],
            )
        except services.StaleEditError as exc:
            conflict = item = _stale(form, exc, item)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Meeting details saved.")
            return redirect(_item_url(item) + "#meeting")
    return _render_item(request, item, meeting_form=form, conflict=conflict)


@access.item_view("POST")
def team_document_upload(request, item):
    """CCPOR staff attach a document (or a new version) to the template item behind
    this item: every onboarding's copy of the item shows it."""
    user = request.user
    require(
        access.can_upload_team_document(user, item),
        "Only the CCPOR Team attaches its documents, to items from a template.",
    )
    form = TeamDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = collaboration_services.team_document_upload(
                template_item=item.template_item,
                title=data["title"],
                version=data["version"],
                document_date=data["document_date"],
                file=data["file"],
                by=user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                f"“{document.title}” version {document.version} is now the current "
                "version for every onboarding.",
            )
            return redirect(_item_url(item) + "#team-documents")
    return _render_item(request, item, document_form=form)


@access.item_view("GET", "POST")
def comment_edit(request, item, comment_pk: int):
    """The author rewrites their comment; the earlier text is kept and shown."""
    comment = get_object_or_404(
        collaboration_selectors.item_comments(item), pk=comment_pk
    )
    require(
        access.can_edit_comment(request.user, comment),
        "Only the author of a comment may edit it.",
    )
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            collaboration_services.comment_edit(
                comment=comment, body=form.cleaned_data["body"], by=request.user
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Comment edited; the earlier text is kept.")
            _say_mentions_not_reached(request, item, form.cleaned_data["body"])
            return redirect(_item_url(item) + f"#comment-{comment.pk}")
    return render(
        request,
        "checklists/comment_edit.html",
        {
            "court": item.onboarding.court,
            "item": item,
            "comment": comment,
            "form": form,
        },
    )


@access.item_view("POST")
def item_verify(request, item):
    user = request.user
    require(is_ccpor_staff(user), "Only the CCPOR Team verifies items.")
    form = ItemVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The form was incomplete; reload the page.")
        return redirect(_item_url(item))
    try:
        services.item_verify(
            item=item, by=user, expected_version=form.cleaned_data["expected_version"]
        )
    except services.StaleEditError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{item.title}” is verified.")
    return redirect(_next_or(request, _item_url(item)))


@access.item_view("POST")
def item_reopen(request, item):
    user = request.user
    require(is_ccpor_staff(user), "Only the CCPOR Team reopens items.")
    form = ItemReopenForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            services.item_reopen(
                item=item,
                by=user,
                expected_version=form.cleaned_data["expected_version"],
                reason=form.cleaned_data["reason"],
            )
        except services.StaleEditError as exc:
            conflict = exc.current
            form.add_error(None, str(exc))
            form.data = form.data.copy()
            form.data["expected_version"] = str(conflict.version)
        except ValidationError as exc:
            if "reason" not in getattr(exc, "error_dict", {}):
                # About the item, not the form (e.g. it is not finished): the
                # reopen form is not even shown for it.
                messages.error(request, " ".join(exc.messages))
                return redirect(_item_url(item))
            add_service_error(form, exc)
        else:
            messages.success(request, f"“{item.title}” is reopened.")
            return redirect(_item_url(item))
    if conflict is not None:
        conflict.onboarding.court = item.onboarding.court
        item = conflict
    return _render_item(request, item, reopen_form=form, conflict=conflict)


@court_view("POST")
def bulk_status(request, court):
    """Set one status on the ticked items; each one follows the usual rules and the
    page says which were refused and why."""
    user = request.user
    onboarding = selectors.court_current_onboarding(court)
    if onboarding is None:
        raise Http404("This court has no onboarding.")
    onboarding.court = court
    visible = list(access.items_for_user(user, onboarding))
    for item in visible:
        item.onboarding = onboarding
    back = _next_or(request, court.get_absolute_url())
    form = BulkStatusForm(request.POST, item_pks=[i.pk for i in visible])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    chosen = set(form.cleaned_data["items"])
    selected = [i for i in visible if i.pk in chosen]
    refusals = {
        i.pk: reason for i in selected if (reason := access.update_refusal(user, i))
    }
    changed, refused = services.items_bulk_set_status(
        items=selected,
        status=form.cleaned_data["status"],
        by=user,
        expected_versions=form.expected_versions(),
        reason=form.cleaned_data["reason"],
        refusals=refusals,
    )
    label = dict(form.fields["status"].choices)[form.cleaned_data["status"]]
    if changed:
        messages.success(
            request,
            f"{len(changed)} item{'s' if len(changed) != 1 else ''} set to "
            f"{label.lower()}: " + ", ".join(f"{i.order}. {i.title}" for i in changed),
        )
    for item, reason in refused:
        messages.error(request, f"Not changed – {item.order}. {item.title}: {reason}")
    return redirect(back)

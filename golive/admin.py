"""The admin of onboardings (moved up from checklists, so that its transitions can
call this app's services) and the Go-Live records.

The onboarding's status is read-only here: the change page offers the transitions
that its status allows as buttons, and the list offers "mark live" and "close" as
actions; each calls the service, which refuses with the reasons. A POST that names
`status` changes nothing (the field is not on the form), and the history's "revert"
is disabled (it would write an old status back).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from ccpor_onboard.lib.admin import SuperusersOnly
from checklists import services as checklists_services
from checklists.admin import ChecklistItemInline, GoLiveChangeInline, ReplanInline
from checklists.forms import OnboardingChangeForm, OnboardingStartForm
from checklists.models import Onboarding

from . import services, tasks
from .forms import ReasonForm
from .models import (
    GoNoGoDecision,
    Incident,
    IncidentEvent,
    IncidentMail,
    SignOff,
    SignOffRequest,
    Transition,
)
from .selectors import readiness_for

# The transitions the change page offers: (service, label, needs a reason), by the
# status they leave.
TRANSITIONS = {
    "mark_live": (services.onboarding_mark_live, "Mark live", False),
    "undo_live": (services.onboarding_undo_live, "Undo live (back to active)", True),
    "close": (services.onboarding_close, "Close", False),
    "cancel": (services.onboarding_cancel, "Cancel", True),
    "reopen": (services.onboarding_reopen, "Reopen", True),
}
OFFERED = {
    Onboarding.Status.ACTIVE: ("mark_live", "cancel"),
    Onboarding.Status.LIVE: ("close", "undo_live"),
    Onboarding.Status.CLOSED: ("reopen",),
    Onboarding.Status.CANCELLED: ("reopen",),
}


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionInline(ReadOnlyInline):
    model = Transition
    fields = ("at", "kind", "from_status", "to_status", "by", "reason")
    readonly_fields = fields


class SignOffInline(ReadOnlyInline):
    model = SignOff
    fields = (
        "kind",
        "role",
        "signer_name",
        "signed_at",
        "statement",
        "revoked_at",
        "revoke_reason",
    )
    readonly_fields = fields


@admin.register(Onboarding)
class OnboardingAdmin(SimpleHistoryAdmin):
    """Adding starts an onboarding and moving Go-Live reschedules it, both through the
    checklists' services; the lifecycle moves through golive's."""

    list_display = (
        "court",
        "status",
        "go_live_date",
        "template",
        "court_enters_carpos",
        "so_participates",
        "created_at",
    )
    list_filter = ("status", "court__court_type", "court__district", "template")
    search_fields = ("court__name", "court__county")
    date_hierarchy = "go_live_date"
    list_select_related = ("court", "template")
    inlines = [
        TransitionInline,
        SignOffInline,
        GoLiveChangeInline,
        ReplanInline,
        ChecklistItemInline,
    ]
    actions = ["mark_live", "close"]
    change_form_template = "admin/checklists/onboarding/change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = (
            OnboardingChangeForm if obj is not None else OnboardingStartForm
        )
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        # The hidden version is rendered by the change form's template, outside the
        # fieldset, which would give it a label for a hidden field (invalid HTML).
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f != "expected_version"],
                },
            )
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "court",
            "status",
            "status_changed_at",
            "template",
            "court_enters_carpos",
            "so_participates",
            "started_by",
        )

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = checklists_services.onboarding_start(
                court=data["court"],
                go_live_date=data["go_live_date"],
                court_enters_carpos=data["court_enters_carpos"],
                so_participates=data["so_participates"],
                template=data.get("template"),
                started_by=request.user,
                capacity_reason=data.get("capacity_reason", ""),
            )
            obj.__dict__.update(created.__dict__)
            return
        # Never obj.save(): the form's instance may carry values the form does not
        # own (a forged `status`, an old version from the history).
        current = Onboarding.objects.get(pk=obj.pk)
        if data["go_live_date"] != current.go_live_date:
            try:
                checklists_services.onboarding_reschedule(
                    onboarding=current,
                    go_live_date=data["go_live_date"],
                    reason=data["reason"],
                    by=request.user,
                    expected_version=data["expected_version"],
                    capacity_reason=data.get("capacity_reason", ""),
                )
            except checklists_services.StaleEditError as exc:
                # Changed between the form's check and this save: nothing overwritten.
                messages.error(request, str(exc))
        obj.refresh_from_db()

    # --- The history: read, never reverted ----------------------------------------

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )

    # --- Transitions ----------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/transition/<str:action>/",
                self.admin_site.admin_view(self.transition_view),
                name="checklists_onboarding_transition",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        onboarding = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if onboarding is not None:
            extra_context["transitions"] = [
                (action, TRANSITIONS[action][1])
                for action in OFFERED.get(onboarding.status, ())
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id, action: str):
        # None for an id that is not one (get_object_or_404 would fail on it).
        onboarding = self.get_object(request, unquote(object_id))
        if onboarding is None:
            raise Http404
        if action not in TRANSITIONS or not self.has_change_permission(
            request, onboarding
        ):
            raise PermissionDenied
        service, label, needs_reason = TRANSITIONS[action]
        form = ReasonForm(request.POST or None) if needs_reason else None
        change_url = reverse("admin:checklists_onboarding_change", args=[object_id])
        if request.method == "POST" and (form is None or form.is_valid()):
            kwargs = {"reason": form.cleaned_data["reason"]} if form else {}
            try:
                service(onboarding=onboarding, by=request.user, **kwargs)
            except ValidationError as exc:
                for message in exc.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{onboarding.court}: {label.lower()} done; the onboarding is "
                    f"now {onboarding.get_status_display().lower()}.",
                    messages.SUCCESS,
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": onboarding,
            "title": f"{label}: {onboarding.court}",
            "label": label,
            "form": form,
            "readiness": readiness_for(onboarding),
            "change_url": change_url,
        }
        return TemplateResponse(
            request, "admin/checklists/onboarding/transition.html", context
        )

    def _run_on_each(self, request, queryset, service, done: str):
        for onboarding in queryset.select_related("court"):
            try:
                service(onboarding=onboarding, by=request.user)
            except ValidationError as exc:
                self.message_user(
                    request,
                    f"{onboarding.court}: refused – " + " ".join(exc.messages),
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request, f"{onboarding.court}: {done}.", messages.SUCCESS
                )

    @admin.action(description="Mark the selected onboardings live (if ready)")
    def mark_live(self, request, queryset):
        self._run_on_each(request, queryset, services.onboarding_mark_live, "live")

    @admin.action(description="Close the selected onboardings (if ready)")
    def close(self, request, queryset):
        self._run_on_each(request, queryset, services.onboarding_close, "closed")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the services only: read here, never added or edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ("onboarding", "kind", "from_status", "to_status", "by", "at")
    list_filter = ("kind", "to_status", "at")
    search_fields = ("onboarding__court__name", "reason")
    list_select_related = ("onboarding__court", "by")


@admin.register(GoNoGoDecision)
class GoNoGoDecisionAdmin(ReadOnlyAdmin):
    list_display = (
        "onboarding",
        "decision",
        "go_live_date",
        "new_go_live_date",
        "decided_by",
        "decided_at",
    )
    list_filter = ("decision", "decided_at")
    search_fields = ("onboarding__court__name", "reason")
    list_select_related = ("onboarding__court", "decided_by")


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = (
        "onboarding",
        "kind",
        "role",
        "signer_name",
        "signed_at",
        "revoked_at",
    )
    list_filter = ("kind", "role", "signed_at")
    search_fields = ("onboarding__court__name", "signer_name", "statement")
    list_select_related = ("onboarding__court",)


@admin.register(SignOffRequest)
class SignOffRequestAdmin(ReadOnlyAdmin):
    list_display = ("onboarding", "kind", "role", "asked", "asked_by", "asked_at")
    list_filter = ("kind", "role", "asked_at")
    list_select_related = ("onboarding__court", "asked", "asked_by")


class IncidentEventInline(ReadOnlyInline):
    model = IncidentEvent
    fields = ("at", "by", "from_status", "to_status", "changes", "note")
    readonly_fields = fields


class IncidentMailInline(ReadOnlyInline):
    model = IncidentMail
    fields = ("status", "attempts", "claimed_at", "sent_at", "error")
    readonly_fields = fields


@admin.register(IncidentMail)
class IncidentMailAdmin(SuperusersOnly, ReadOnlyAdmin):
    """The outbox of incident mail, read only (sent again from the incident)."""

    list_display = ("incident", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "created_at")
    list_select_related = ("incident",)


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    """The register across courts; incidents are reported and answered on their
    pages (the services' rules), so here they are read, and their mail can be sent
    again."""

    list_display = (
        "pk",
        "court",
        "title",
        "severity",
        "category",
        "status",
        "owner",
        "reported_at",
        "respond_by",
        "responded_at",
        "mail_status",
    )
    list_filter = ("severity", "status", "category", "reported_at")
    search_fields = ("title", "description", "onboarding__court__name")
    list_select_related = ("onboarding__court", "owner", "mail")
    inlines = [IncidentMailInline, IncidentEventInline]
    actions = ["send_mail_again"]

    @admin.display(description="court")
    def court(self, obj):
        return obj.onboarding.court

    @admin.display(description="mail", ordering="mail__status")
    def mail_status(self, obj):
        mail = getattr(obj, "mail", None)
        return mail.get_status_display() if mail else "–"

    @admin.action(description="Send the incident mail again")
    def send_mail_again(self, request, queryset):
        for incident in queryset:
            # Owed afresh, with a fresh count of attempts.
            IncidentMail.objects.update_or_create(
                incident=incident,
                defaults={
                    "status": IncidentMail.Status.PENDING,
                    "attempts": 0,
                    "claim_token": "",
                    "error": "",
                },
            )
            tasks.queue(tasks.send_incident_mail, incident.pk)
        self.message_user(
            request, f"{queryset.count()} incident mail(s) queued.", messages.SUCCESS
        )

    def has_change_permission(self, request, obj=None):
        # The action needs "change"; the page itself stays read-only (no fields
        # are editable: every one is read-only below).
        return super(ReadOnlyAdmin, self).has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Incident._meta.fields]

    def save_model(self, request, obj, form, change):
        # Nothing here is edited: the register's rules are golive.services'.
        pass


@admin.register(IncidentEvent)
class IncidentEventAdmin(ReadOnlyAdmin):
    list_display = ("incident", "from_status", "to_status", "changes", "by", "at")
    list_filter = ("to_status", "at")
    list_select_related = ("incident", "by")

from django.contrib import admin, messages
from django.db import models, transaction
from simple_history.admin import SimpleHistoryAdmin

from ccpor_onboard.lib.admin import ReadOnlyAdmin, SuperusersOnly

from . import services
from .forms import ChecklistItemDetailsForm
from .models import (
    ChecklistItem,
    ChecklistTemplate,
    GoLiveChange,
    Onboarding,
    OnboardingSummary,
    Phase,
    Replan,
    TemplateItem,
)


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("order", "name", "slug")
    ordering = ("order",)

    def save_model(self, request, obj, form, change):
        # Each onboarding's current phase is the first (by order) with open items.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.onboarding_summaries_refresh(
                onboarding_ids=Onboarding.objects.values_list("pk", flat=True)
            )


# Addresses typed without a scheme are taken as https (Django 6's default).
URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    extra = 0
    formfield_overrides = URL_HTTPS
    fields = (
        "order",
        "phase",
        "title",
        "actor",
        "kind",
        "offset_days",
        "condition",
        "is_readiness_gate",
        "evidence_required",
        "internal_only",
        "is_training",
        "grants_ccpor_access",
        "info_url",
    )
    ordering = ("order",)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "is_active", "item_count", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    inlines = [TemplateItemInline]

    @admin.display(description="items")
    def item_count(self, obj):
        return obj.items.count()


@admin.register(TemplateItem)
class TemplateItemAdmin(admin.ModelAdmin):
    list_display = (
        "order",
        "title",
        "template",
        "phase",
        "actor",
        "kind",
        "offset_days",
        "condition",
    )
    list_filter = (
        "template",
        "phase",
        "actor",
        "kind",
        "condition",
        "is_readiness_gate",
    )
    search_fields = ("title", "description")
    list_select_related = ("template", "phase")
    filter_horizontal = ("depends_on",)
    ordering = ("template", "order")
    formfield_overrides = URL_HTTPS


# The onboarding's own admin (start, Go-Live moves, the lifecycle's transitions) is
# registered by the Go-Live app, golive/admin.py: its transitions are golive's
# services, which this app may not import. It shows these two inlines.


class ChecklistItemInline(admin.TabularInline):
    """Items are read here; a status changes through the portal's rules only."""

    model = ChecklistItem
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("order", "title", "phase", "actor", "due_date", "status", "completed_at")
    readonly_fields = fields
    ordering = ("order",)

    def has_add_permission(self, request, obj=None):
        return False


class GoLiveChangeInline(admin.TabularInline):
    model = GoLiveChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "old_date", "new_date", "reason", "changed_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReplanInline(admin.TabularInline):
    model = Replan
    extra = 0
    can_delete = False
    fields = ("at", "kind", "by", "reason", "changes", "gates_made_na")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ChecklistItem)
class ChecklistItemAdmin(SimpleHistoryAdmin):
    """An item's details are corrected here. Items are neither added nor deleted,
    and whether one is a readiness gate, requires evidence or whose it is does not
    change here while its onboarding runs: a recorded re-plan does that
    (`services.onboarding_replan`, `onboarding_set_processing_model`)."""

    form = ChecklistItemDetailsForm
    list_display = (
        "order",
        "title",
        "onboarding",
        "phase",
        "actor",
        "due_date",
        "status",
    )
    list_filter = ("status", "phase", "actor", "kind", "onboarding__court")
    search_fields = ("title", "onboarding__court__name")
    list_select_related = ("onboarding__court", "phase")
    readonly_fields = (
        "status",
        "blocked_reason",
        "na_justification",
        "na_justified_by",
        "note",
        "meeting_starts_at",
        "meeting_ends_at",
        "meeting_location",
        "meeting_attendees",
        "meeting_minutes",
        "completed_at",
        "completed_by",
        "updated_by",
        "version",
    )
    filter_horizontal = ("depends_on",)
    autocomplete_fields = ("owner",)

    def get_readonly_fields(self, request, obj=None):
        return ("onboarding", "order", *self.readonly_fields)

    def has_add_permission(self, request):
        # A running onboarding's items come from its template or a re-plan; a
        # closed or cancelled one's are history.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = [
            name
            for name in form.changed_data
            if name in form.fields
            and name not in ("depends_on", "expected_version", "owner")
        ]
        owner_changed = "owner" in form.changed_data
        if owner_changed:
            # Saved below by its own service, not with the other details.
            obj.owner_id = form.initial.get("owner")
        expected = form.cleaned_data.get("expected_version")
        try:
            if fields or not owner_changed:
                services.item_update_details(
                    item=obj,
                    by=request.user,
                    fields=fields,
                    expected_version=expected,
                )
                expected = obj.version
            if owner_changed:
                # The owner's own service: the same rule, and the new owner is told.
                services.item_set_owner(
                    item=obj,
                    owner=form.cleaned_data["owner"],
                    by=request.user,
                    expected_version=obj.version if expected is None else expected,
                )
        except services.StaleEditError as exc:
            # Changed between the form's check and this save: nothing overwritten.
            request.stale_edit = True
            messages.error(request, str(exc))

    def save_related(self, request, form, formsets, change):
        if not getattr(request, "stale_edit", False):
            super().save_related(request, form, formsets, change)


@admin.register(Replan)
class ReplanAdmin(ReadOnlyAdmin):
    """Re-plans are made by their services (the court page's "Re-plan from the
    template", the processing model); read here."""

    list_display = ("onboarding", "kind", "by", "at")
    list_filter = ("kind", "at")
    search_fields = ("onboarding__court__name", "reason")
    list_select_related = ("onboarding__court", "by")


@admin.register(OnboardingSummary)
class OnboardingSummaryAdmin(SuperusersOnly, ReadOnlyAdmin):
    """Read only: derived from the items, refreshed by every write to them."""

    list_display = (
        "onboarding",
        "total",
        "finished",
        "blocked",
        "phase_order",
        "oldest_open_due",
        "refreshed_at",
    )
    list_select_related = ("onboarding__court",)
    search_fields = ("onboarding__court__name",)


@admin.register(GoLiveChange)
class GoLiveChangeAdmin(admin.ModelAdmin):
    list_display = (
        "onboarding",
        "old_date",
        "new_date",
        "reason",
        "changed_by",
        "changed_at",
    )
    list_filter = ("changed_at",)
    search_fields = ("onboarding__court__name", "reason")
    list_select_related = ("onboarding__court", "changed_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin, messages
from django.utils import timezone

from ccpor_onboard.lib.admin import SuperusersOnly

from .models import DigestLog, ReminderLog, SendStatus, SweepRun


@admin.action(description="Send again at the next sweep (failed or skipped rows)")
def rearm(modeladmin, request, queryset):
    """Put failed or skipped rows back to pending: the next sweep sends them (for a
    court that has since got members, or after a long mail-server outage)."""
    count = queryset.filter(status__in=(SendStatus.FAILED, SendStatus.SKIPPED)).update(
        status=SendStatus.PENDING, attempts=0, updated_at=timezone.now()
    )
    modeladmin.message_user(
        request,
        f"{count} row(s) will be sent at the next sweep (if still due).",
        messages.SUCCESS,
    )


class SendRecordAdmin(SuperusersOnly, admin.ModelAdmin):
    list_filter = ("status",)
    actions = [rearm]
    readonly_fields = (
        "status",
        "attempts",
        "claimed_at",
        "claim_token",
        "sent_at",
        "recipients",
        "error",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False  # rows are written by the sweeps only


@admin.register(ReminderLog)
class ReminderLogAdmin(SendRecordAdmin):
    list_display = (
        "onboarding",
        "mark",
        "go_live_date",
        "status",
        "sent_at",
        "team_only",
        "attempts",
        "error",
        "created_at",
    )
    list_filter = ("status", "mark", "team_only")
    list_select_related = ("onboarding__court",)
    search_fields = ("onboarding__court__name",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "onboarding",
        "mark",
        "go_live_date",
        "team_only",
        *SendRecordAdmin.readonly_fields,
    )


@admin.register(DigestLog)
class DigestLogAdmin(SendRecordAdmin):
    list_display = ("user", "week_start", "status", "item_count", "sent_at", "error")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    date_hierarchy = "week_start"
    readonly_fields = (
        "user",
        "week_start",
        "item_count",
        *SendRecordAdmin.readonly_fields,
    )


@admin.register(SweepRun)
class SweepRunAdmin(SuperusersOnly, admin.ModelAdmin):
    """The sweeps' heartbeats (what /healthz reads): read-only."""

    list_display = ("kind", "today", "finished_at", "summary")
    list_filter = ("kind",)
    date_hierarchy = "finished_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

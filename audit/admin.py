from django.contrib import admin

from ccpor_onboard.lib.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only for everyone, superusers included: the log is append-only."""

    list_display = (
        "created_at",
        "username",
        "action",
        "outcome",
        "target",
        "ip_address",
    )
    list_filter = ("action", "outcome", "created_at")
    search_fields = ("username", "target", "detail", "ip_address")
    date_hierarchy = "created_at"
    list_per_page = 100
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    fields = (
        "created_at",
        "action",
        "outcome",
        "user",
        "username",
        "target",
        "detail",
        "ip_address",
        "user_agent",
    )
    actions = None

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

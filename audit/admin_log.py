"""Admin actions into the audit log: every LogEntry Django's admin writes.

Django writes one LogEntry per added, changed or deleted object. It saves a single
entry (post_save reaches `record_log_entry`) but bulk-creates the entries of a
multi-object "Delete selected", which sends no signal: `delete_selected` (installed as
the admin site's action) records those.
"""

from django.contrib.admin import actions
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry

from .models import AuditEvent
from .services import audit_record

_ACTION_FOR_FLAG = {
    ADDITION: AuditEvent.Action.ADMIN_ADDITION,
    CHANGE: AuditEvent.Action.ADMIN_CHANGE,
    DELETION: AuditEvent.Action.ADMIN_DELETION,
}


def audit_log_entry(entry: LogEntry) -> AuditEvent:
    content_type = entry.content_type
    kind = content_type.name if content_type else "object"
    return audit_record(
        action=_ACTION_FOR_FLAG.get(entry.action_flag, AuditEvent.Action.ADMIN_CHANGE),
        user=entry.user,
        target=f"{kind} #{entry.object_id}: {entry.object_repr}",
        detail=entry.get_change_message(),
    )


def record_log_entry(sender, instance: LogEntry, created: bool, raw=False, **kwargs):
    if created and not raw:
        audit_log_entry(instance)


def delete_selected(modeladmin, request, queryset):
    """Django's "Delete selected" action, with every deletion in the audit log."""
    last = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    count = queryset.count()
    response = actions.delete_selected(modeladmin, request, queryset)
    if response is None and count > 1:
        # Bulk-created entries: no post_save was sent for them.
        for entry in LogEntry.objects.filter(
            pk__gt=last, user_id=request.user.pk, action_flag=DELETION
        ).select_related("content_type", "user"):
            audit_log_entry(entry)
    return response


delete_selected.allowed_permissions = actions.delete_selected.allowed_permissions
delete_selected.short_description = actions.delete_selected.short_description

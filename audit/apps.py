from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Every admin action Django logs (LogEntry) is copied into the audit log.
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from .admin_log import record_log_entry

        post_save.connect(record_log_entry, sender=LogEntry, dispatch_uid="audit-le")

"""The admin of webhooks: endpoints (added and removed through the services), and
the delivery log, read only, with "send again"."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from ccpor_onboard.lib.admin import ReadOnlyAdmin

from . import services
from .models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "court", "format", "paused_at", "created_at")
    list_filter = ("format", "paused_at")
    search_fields = ("name", "url")
    list_select_related = ("court",)
    readonly_fields = ("paused_at", "paused_reason", "created_by", "created_at")
    actions = ("resume",)

    def save_model(self, request, obj, form, change):
        """A new endpoint goes through the service (its rules, the audit log); an
        edit is checked by the same rules."""
        if change:
            obj.events = services.parse_events(obj.events)
            super().save_model(request, obj, form, change)
            return
        saved = services.endpoint_add(
            name=obj.name,
            url=obj.url,
            secret=obj.secret,
            events=obj.events,
            format=obj.format,
            court=obj.court,
            by=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.endpoint_remove(endpoint=obj, by=request.user)

    @admin.action(description="Resume the chosen endpoints (send what they are owed)")
    def resume(self, request, queryset):
        try:
            owed = sum(
                services.endpoint_resume(endpoint=e, by=request.user) for e in queryset
            )
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
            return
        self.message_user(request, f"Resumed; {owed} deliveries owed again.")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: what was owed to which endpoint, and what became of it."""

    list_display = (
        "delivery_id",
        "event",
        "endpoint",
        "court",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "event", "created_at")
    search_fields = ("=delivery_id", "endpoint__name")
    list_select_related = ("endpoint", "court")

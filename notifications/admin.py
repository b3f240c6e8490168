from django.contrib import admin

from ccpor_onboard.lib.admin import SuperusersOnly

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(SuperusersOnly, admin.ModelAdmin):
    """The outbox, read only: what was queued, for whom, and what became of it."""

    list_display = (
        "created_at",
        "kind",
        "address",
        "court",
        "subject",
        "delivery",
        "status",
        "sent_at",
    )
    list_filter = ("status", "kind", "delivery", "created_at")
    search_fields = ("address", "subject", "court__name")
    list_select_related = ("court",)
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send again with the next batch (failed ones)")
    def send_again(self, request, queryset):
        n = queryset.filter(status=Notification.Status.FAILED).update(
            status=Notification.Status.PENDING, claim_token="", attempts=0, error=""
        )
        self.message_user(request, f"{n} notification(s) will be sent again.")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = ("user", "kind", "delivery", "updated_at")
    list_filter = ("kind", "delivery")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)

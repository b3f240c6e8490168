from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from ccpor_onboard.lib.admin import SuperusersOnly

from . import services
from .forms import AccountChangeForm
from .models import Session, User


@admin.register(User)
class ProductUserAdmin(UserAdmin):
    form = AccountChangeForm
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    actions = ["unlock_sign_in", "end_sessions"]

    @admin.action(
        description="Unlock sign-in for the selected people", permissions=["change"]
    )
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            services.user_unlock_sign_in(user=user, by=request.user)
        messages.success(
            request,
            f"Sign-in unlocked for {queryset.count()} person(s). A lockout of a "
            "network address is lifted under Axes → Access attempts.",
        )

    @admin.action(
        description="Sign the selected people out everywhere", permissions=["change"]
    )
    def end_sessions(self, request, queryset):
        ended = sum(
            services.user_end_sessions(
                user=user,
                keep_session_key=(
                    request.session.session_key if user.pk == request.user.pk else None
                ),
            )
            for user in queryset
        )
        messages.success(request, f"{ended} session(s) ended.")


@admin.register(Session)
class SessionAdmin(SuperusersOnly, admin.ModelAdmin):
    """Who is signed in, and until when; deleting a session signs that browser out.
    The session's content is never shown."""

    list_display = ("user", "expire_date")
    list_filter = ("expire_date",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    fields = ("user", "expire_date")
    readonly_fields = ("user", "expire_date")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__isnull=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from .models import Forecast, ItemEffort, StatewideForecast, TeamRole


@admin.register(TeamRole)
class TeamRoleAdmin(admin.ModelAdmin):
    list_display = ("name", "hours_per_week", "updated_at")
    search_fields = ("name",)


@admin.register(ItemEffort)
class ItemEffortAdmin(admin.ModelAdmin):
    list_display = ("template_item", "role", "hours", "spread_weeks")
    list_filter = ("role", "template_item__template")
    list_select_related = ("template_item__template", "role")
    autocomplete_fields = ("role",)
    raw_id_fields = ("template_item",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Forecasts are made by the forecast job, never typed in."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Forecast)
class ForecastAdmin(ReadOnlyAdmin):
    list_display = ("onboarding", "as_of", "target", "p50", "p85", "remaining")
    list_select_related = ("onboarding__court",)
    date_hierarchy = "as_of"


@admin.register(StatewideForecast)
class StatewideForecastAdmin(ReadOnlyAdmin):
    list_display = ("as_of", "open_onboardings", "all_live_p50", "all_live_p85")

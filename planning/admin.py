"""The admin of planning: the team's roles, people and absences, item efforts,
waves, and (read only) forecasts, capacity overrides and adopted lead times."""

from django.contrib import admin

from .models import (
    Absence,
    CapacityOverride,
    Forecast,
    ItemEffort,
    LeadTimeAdoption,
    StatewideForecast,
    TeamMember,
    TeamRole,
    Wave,
    WaveCourt,
)


class MemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    fields = ("name", "hours_per_week", "user", "is_active")
    raw_id_fields = ("user",)


@admin.register(TeamRole)
class TeamRoleAdmin(admin.ModelAdmin):
    list_display = ("name", "updated_at")
    search_fields = ("name",)
    inlines = [MemberInline]


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 1


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "hours_per_week", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("role",)
    search_fields = ("name",)
    raw_id_fields = ("user",)
    inlines = [AbsenceInline]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("member", "first_day", "last_day", "note")
    list_select_related = ("member__role",)
    list_filter = ("member__role",)
    date_hierarchy = "first_day"


@admin.register(ItemEffort)
class ItemEffortAdmin(admin.ModelAdmin):
    list_display = ("template_item", "role", "hours", "spread_weeks")
    list_filter = ("role", "template_item__template")
    list_select_related = ("template_item__template", "role")
    autocomplete_fields = ("role",)
    raw_id_fields = ("template_item",)


class WaveCourtInline(admin.TabularInline):
    model = WaveCourt
    extra = 1
    raw_id_fields = ("court",)


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ("name", "window_start", "window_end")
    search_fields = ("name",)
    inlines = [WaveCourtInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Made by a job or recorded by a service, never typed in."""

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


@admin.register(CapacityOverride)
class CapacityOverrideAdmin(ReadOnlyAdmin):
    list_display = ("onboarding", "kind", "go_live_date", "proposed_date", "by", "at")
    list_select_related = ("onboarding__court", "by")


@admin.register(LeadTimeAdoption)
class LeadTimeAdoptionAdmin(ReadOnlyAdmin):
    list_display = ("template", "order", "title", "old_offset", "new_offset", "at")
    list_select_related = ("template",)

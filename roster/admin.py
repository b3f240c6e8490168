"""The roster in the admin. Staff edit the role requirements table here; the
people, reviews and deprovisioning are kept on the court's roster pages (their
services check who may change what), so the admin only shows them."""

from django.contrib import admin

from ccpor_onboard.lib.admin import ReadOnlyAdmin, SuperusersOnly

from .models import (
    AccessReview,
    Deprovisioning,
    RoleRequirement,
    RosterPerson,
    RosterReminder,
)


@admin.register(RoleRequirement)
class RoleRequirementAdmin(admin.ModelAdmin):
    list_display = ("ccpor_role", "clets_level", "training", "updated_at")


@admin.register(RosterPerson)
class RosterPersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "court", "organisation", "ccpor_role", "clets_level")
    list_filter = ("organisation", "ccpor_role", "clets_level")
    search_fields = ("name", "email", "court__name")
    list_select_related = ("court",)


@admin.register(AccessReview)
class AccessReviewAdmin(ReadOnlyAdmin):
    list_display = ("court", "quarter", "completed_at", "completed_by")
    list_select_related = ("court", "completed_by")


@admin.register(Deprovisioning)
class DeprovisioningAdmin(ReadOnlyAdmin):
    list_display = ("person", "started_at", "account_disabled_at", "clets_removed_at")
    list_select_related = ("person__court",)


@admin.register(RosterReminder)
class RosterReminderAdmin(SuperusersOnly, ReadOnlyAdmin):
    list_display = ("kind", "court", "person", "mark", "due_on", "status", "sent_at")
    list_filter = ("kind", "status")
    list_select_related = ("court", "person")

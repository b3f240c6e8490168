from django.contrib import admin

from accounts.admin import ProductUserAdmin
from accounts.models import User

from .models import Court, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user", "court")


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ("name", "court_type", "district", "county", "is_active")
    list_filter = ("court_type", "district", "is_active")
    search_fields = ("name", "county", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "court", "organisation", "role", "created_at")
    list_filter = ("organisation", "role", "court__court_type")
    search_fields = ("user__username", "user__email", "court__name")
    list_select_related = ("user", "court")
    autocomplete_fields = ("user", "court")


# A person's memberships are edited on their user page too. Courts sits above accounts,
# so it extends the user admin rather than accounts knowing about courts.
admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(ProductUserAdmin):
    inlines = [*ProductUserAdmin.inlines, MembershipInline]

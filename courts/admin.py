from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from accounts.admin import ProductUserAdmin
from accounts.forms import AccountChangeForm
from accounts.models import User

from .models import Court, Membership, role_refusal
from .separation import membership_refusal, team_refusal


class RefusalsAsMessages:
    """A refusal raised while the admin saves rolls the whole save back and comes
    back as a message, not a server error: the separation-of-duties guard
    (courts/separation.py) sees writes that no single form sees, such as a group and
    a membership added in one POST."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class MembershipForm(forms.ModelForm):
    """A membership in the admin (its own page and the inlines): never for CCPOR
    staff, and only in a role of its organisation."""

    def clean(self):
        data = super().clean()
        user = data.get("user") or getattr(self.instance, "user", None)
        refusal = membership_refusal(user)
        if refusal:
            raise ValidationError(refusal)
        wrong_role = role_refusal(data.get("organisation"), data.get("role"))
        if wrong_role:
            self.add_error("role", wrong_role)
        return data


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ("user", "court")


@admin.register(Court)
class CourtAdmin(RefusalsAsMessages, admin.ModelAdmin):
    list_display = ("name", "court_type", "district", "county", "is_active")
    list_filter = ("court_type", "district", "is_active")
    search_fields = ("name", "county", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(RefusalsAsMessages, admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "court", "organisation", "role", "created_at")
    list_filter = ("organisation", "role", "court__court_type")
    search_fields = ("user__username", "user__email", "court__name")
    list_select_related = ("user", "court")
    autocomplete_fields = ("user", "court")


class UserWithMembershipsForm(AccountChangeForm):
    """Joining the CCPOR Team (its group, or superuser) is refused while the person
    holds a court or sheriff's-office role."""

    def clean(self):
        data = super().clean()
        joins = data.get("is_superuser") or any(
            group.name == settings.CCPOR_TEAM_GROUP for group in data.get("groups", ())
        )
        if joins and self.instance.pk:
            refusal = team_refusal([self.instance.pk])
            if refusal:
                raise ValidationError(refusal)
        return data


# A person's memberships are edited on their user page too. Courts sits above accounts,
# so it extends the user admin rather than accounts knowing about courts.
admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(RefusalsAsMessages, ProductUserAdmin):
    form = UserWithMembershipsForm
    inlines = [*ProductUserAdmin.inlines, MembershipInline]

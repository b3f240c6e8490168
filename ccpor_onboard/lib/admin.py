"""Admin building blocks that know nothing of the domain."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record kept as it was written (a log, a derived figure, an earlier text):
    listed and read in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Admin building blocks that know nothing of the domain."""

import functools

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import DataError, router, transaction
from django.http import Http404


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record kept as it was written (a log, a derived figure, an earlier text):
    listed and read in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GuardedChangeList(ChangeList):
    """Django's change list, answering a malformed filter value in the query (a
    year past the calendar, "abc" for an address, a date hierarchy past its end)
    with the list's own "invalid parameters" redirect instead of a server error:
    Django checks a filter when it builds the query, but some fail only when the
    database or the date arithmetic meets the value."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_results(self, request):
        # A savepoint, so that a value the database refuses leaves the rest of the
        # request (and any transaction around it) usable.
        try:
            with transaction.atomic(using=router.db_for_read(self.model)):
                super().get_results(request)
        except (DataError, ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


@functools.cache
def _guarded(change_list: type[ChangeList]) -> type[ChangeList]:
    if issubclass(change_list, GuardedChangeList):
        return change_list
    return type(change_list.__name__, (GuardedChangeList, change_list), {})


def _parses(field, value) -> bool:
    """Whether `value` can be a value of `field` at all ("abc" is no id)."""
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


def _is_key_of(model, value: str) -> bool:
    """Whether `value` (from a URL) can be a primary key of `model` at all."""
    return _parses(model._meta.pk, unquote(value))


class _KnownValuesOnly:
    """An autocomplete widget that shows again only the submitted values that can
    be keys: Django's looks them all up to show them beside the form's error, and
    fails on one that is not even a number."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        return super().optgroups(
            name, [v for v in value if v in (None, "") or _parses(key, v)], attr
        )


class GuardedAutocompleteSelect(_KnownValuesOnly, AutocompleteSelect):
    pass


class GuardedAutocompleteSelectMultiple(_KnownValuesOnly, AutocompleteSelectMultiple):
    pass


class AutocompleteGuards:
    """An admin (or inline) whose autocomplete fields use the guarded widgets."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = GuardedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = GuardedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@functools.cache
def _guarded_inline(inline: type) -> type:
    if issubclass(inline, AutocompleteGuards):
        return inline
    return type(inline.__name__, (AutocompleteGuards, inline), {})


class InputGuards(AutocompleteGuards):
    """What every admin of the site gets (ProductAdminSite.register adds it): the
    guarded change list; autocomplete fields (its inlines' too) that show a
    malformed submitted id as an error, not a server error; and a 404 for a history
    page whose object or version id is not even an id (django-simple-history's
    views would fail on it)."""

    def get_inlines(self, request, obj):
        return [_guarded_inline(inline) for inline in super().get_inlines(request, obj)]

    def get_changelist(self, request, **kwargs):
        return _guarded(super().get_changelist(request, **kwargs))

    def history_view(self, request, object_id, extra_context=None):
        if not _is_key_of(self.model, object_id):
            raise Http404
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history = getattr(self.model, "history", None)
        if not _is_key_of(self.model, object_id) or (
            history is not None and not _is_key_of(history.model, version_id)
        ):
            raise Http404
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )


def with_input_guards(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """`admin_class` with InputGuards first in its bases (under the same name)."""
    if issubclass(admin_class, InputGuards):
        return admin_class
    return type(
        admin_class.__name__,
        (InputGuards, admin_class),
        {
            "__module__": admin_class.__module__,
            "__qualname__": admin_class.__qualname__,
        },
    )

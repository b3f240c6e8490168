"""The admin of evidence, comments (with their earlier texts) and the CCPOR Team's
documents: added only through the services, as on the item page."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from ccpor_onboard.lib.admin import ReadOnlyAdmin
from checklists.services import onboarding_ensure_writable

from . import services
from .forms import TeamDocumentAdminForm
from .models import Comment, CommentRevision, Evidence, TeamDocument


@admin.register(TeamDocument)
class TeamDocumentAdmin(admin.ModelAdmin):
    """The CCPOR Team's documents with their versions. Adding one goes through the
    upload service (the evidence checks); a version is never edited, only replaced
    by a newer one (same title) or deleted."""

    form = TeamDocumentAdminForm
    list_display = (
        "title",
        "version",
        "document_date",
        "template_item",
        "original_name",
        "uploaded_by",
        "uploaded_at",
    )
    list_filter = ("template_item__template", "title")
    search_fields = ("title", "template_item__title")
    list_select_related = ("template_item__template", "uploaded_by")
    raw_id_fields = ("template_item",)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "template_item",
            "title",
            "version",
            "document_date",
            "file",
            "original_name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_at",
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return TeamDocumentAdminForm.Meta.fields
        return self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        created = services.team_document_upload(
            template_item=data["template_item"],
            title=data["title"],
            version=data["version"],
            document_date=data["document_date"],
            file=data["file"],
            by=request.user,
        )
        obj.__dict__.update(created.__dict__)

    def delete_model(self, request, obj):
        obj.file.delete(save=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for document in queryset:
            document.file.delete(save=False)
        super().delete_queryset(request, queryset)


class EvidenceAdminForm(forms.ModelForm):
    """Attach evidence from the admin: the portal's checks apply (type from content,
    10 MB), and the file is stored by the upload service."""

    class Meta:
        model = Evidence
        fields = ["item", "file"]

    def clean_file(self):
        file = self.cleaned_data["file"]
        try:
            services.evidence_validate(file=file)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc  # keyed "file" already
        return file

    def clean_item(self):
        item = self.cleaned_data["item"]
        onboarding_ensure_writable(item.onboarding)
        return item


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Evidence is read here, deleted if something was uploaded that must not be kept,
    and added only through the upload service (same checks as the portal)."""

    form = EvidenceAdminForm
    list_display = (
        "original_name",
        "item",
        "court",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )
    list_filter = ("content_type", "uploaded_at")
    search_fields = ("original_name", "item__title", "item__onboarding__court__name")
    list_select_related = ("item__onboarding__court", "uploaded_by")
    raw_id_fields = ("item",)

    @admin.display(description="court")
    def court(self, obj):
        return obj.item.onboarding.court

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["item", "file"]
        return [
            "item",
            "file",
            "original_name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = services.evidence_upload(
            item=form.cleaned_data["item"],
            file=form.cleaned_data["file"],
            by=request.user,
        )
        obj.__dict__.update(created.__dict__)

    def delete_model(self, request, obj):
        obj.file.delete(save=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for evidence in queryset:
            evidence.file.delete(save=False)
        super().delete_queryset(request, queryset)


class CommentRevisionInline(admin.TabularInline):
    model = CommentRevision
    extra = 0
    can_delete = False
    fields = ("edited_at", "edited_by", "body")
    readonly_fields = fields
    verbose_name = "earlier text"
    verbose_name_plural = "earlier texts (before each edit)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments are read here, never rewritten: only their author edits them, on the
    item page, and the earlier texts are kept (listed below the comment)."""

    list_display = ("item", "author", "created_at", "edited_at", "body")
    list_filter = ("created_at",)
    search_fields = ("body", "item__title", "item__onboarding__court__name")
    list_select_related = ("item", "author")
    readonly_fields = ("item", "author", "created_at", "edited_at", "body")
    inlines = [CommentRevisionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CommentRevision)
class CommentRevisionAdmin(ReadOnlyAdmin):
    """Every earlier text of an edited comment: read-only, kept for the record."""

    list_display = ("comment", "edited_by", "edited_at")
    list_select_related = ("comment__author", "edited_by")
    search_fields = ("body", "comment__body")
    readonly_fields = ("comment", "body", "edited_by", "edited_at")

"""What people do around a checklist item: the evidence they attach, the comments
they write (with earlier texts), and the CCPOR Team's documents delivered with
template items. The tables kept their names when these models moved here from
checklists (migration 0001), so no data moved."""

import secrets

from django.conf import settings
from django.db import models

from ccpor_onboard.lib.bounds import COMMENT_MAX, IN_WINDOW, ONE_LINE, bounded_text
from checklists.models import ChecklistItem, TemplateItem


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    """A path nobody can guess: two random tokens; the extension comes from the
    detected content type (see services.evidence_upload), never from the user."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{secrets.token_hex(8)}/{secrets.token_urlsafe(24)}.{ext}"


class Evidence(models.Model):
    """A document attached to an item as proof (letters, questionnaires, sign-offs).

    Never protective-order data; the upload form says so.
    """

    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(
        max_length=200,
        help_text="The uploaded file's name, sanitised.",
        validators=ONE_LINE,
    )
    content_type = models.CharField(
        max_length=120, help_text="Detected from the file's content."
    )
    size = models.PositiveIntegerField(help_text="Bytes.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "checklists_evidence"
        ordering = ["-uploaded_at", "-id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


class Comment(models.Model):
    """One message in an item's discussion thread."""

    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = bounded_text(max_length=COMMENT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    # Comments are append-only: an edit (by the author only) keeps the previous text
    # as a CommentRevision and marks the comment "edited".
    edited_at = models.DateTimeField(null=True, blank=True, validators=IN_WINDOW)

    class Meta:
        db_table = "checklists_comment"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} on {self.item}: {self.body[:40]}"


def team_document_upload_to(instance: "TeamDocument", filename: str) -> str:
    """A random path, as for evidence; the extension is the detected type's."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"team-documents/{secrets.token_hex(8)}/{secrets.token_urlsafe(24)}.{ext}"


class TeamDocument(models.Model):
    """One version of a document the CCPOR Team delivers with a template item (the
    Court Planning Guide, the Test Plan, the Readiness Checklist, the user guide).

    Versions of a document share its title; the newest upload is the current one and
    every onboarding's item shows it; older versions are kept and listed.
    """

    template_item = models.ForeignKey(
        TemplateItem, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(
        max_length=200, help_text="e.g. Court Planning Guide", validators=ONE_LINE
    )
    version = models.CharField(max_length=30, help_text="e.g. 2.1", validators=ONE_LINE)
    # The upload service also keeps it within ten years of today.
    document_date = models.DateField("date of the document", validators=IN_WINDOW)
    file = models.FileField(upload_to=team_document_upload_to, max_length=255)
    original_name = models.CharField(max_length=200, validators=ONE_LINE)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(help_text="Bytes.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "checklists_teamdocument"
        ordering = ["template_item", "title", "-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template_item", "title", "version"],
                name="unique_team_document_version",
                violation_error_message="This document already has that version.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class CommentRevision(models.Model):
    """The text a comment had before one of its edits (never changed or deleted)."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions"
    )
    body = bounded_text(help_text="The text before this edit.", max_length=COMMENT_MAX)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "checklists_commentrevision"
        ordering = ["edited_at", "id"]

    def __str__(self) -> str:
        return f"Earlier text of comment #{self.comment_id}"

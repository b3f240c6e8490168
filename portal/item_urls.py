"""Item URLs; mounted under courts/<slug>/items/ so every one names its court. Their
names keep the "checklists" namespace they have always had (`checklists:item_detail`)
though the pages live here, with the court pages."""

from django.urls import path

from .views import item_files
from .views import items as views

app_name = "checklists"

urlpatterns = [
    path("bulk-status/", views.bulk_status, name="bulk_status"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/status/", views.item_status, name="item_status"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        item_files.evidence_download,
        name="evidence_download",
    ),
    path("<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("<int:pk>/owner/", views.item_owner, name="item_owner"),
    path("<int:pk>/meeting/", views.item_meeting, name="item_meeting"),
    path(
        "<int:pk>/documents/",
        views.team_document_upload,
        name="team_document_upload",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        item_files.team_document_download,
        name="team_document_download",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/as-evidence/",
        item_files.evidence_from_document,
        name="evidence_from_document",
    ),
    path(
        "<int:pk>/comments/<int:comment_pk>/edit/",
        views.comment_edit,
        name="comment_edit",
    ),
    path("<int:pk>/verify/", views.item_verify, name="item_verify"),
    path("<int:pk>/reopen/", views.item_reopen, name="item_reopen"),
]

"""The Go-Live pages; mounted under courts/<slug>/ so every one names its court."""

from django.urls import path

from . import incident_views, sign_off_views, views

app_name = "golive"

urlpatterns = [
    path("go-live/", views.readiness, name="readiness"),
    path("go-live/mark-live/", views.mark_live, name="mark_live"),
    path("go-live/undo-live/", views.undo_live, name="undo_live"),
    path("go-live/close/", views.close, name="close"),
    path("go-live/cancel/", views.cancel, name="cancel"),
    path("go-live/reopen/", views.reopen, name="reopen"),
    path("go-live/decision/", views.decision, name="decision"),
    path("go-live/sign-offs/", sign_off_views.sign_offs, name="sign_offs"),
    path("go-live/sign-offs/sign/", sign_off_views.sign_off_give, name="sign_off_give"),
    path("go-live/sign-offs/ask/", sign_off_views.sign_off_ask, name="sign_off_ask"),
    path(
        "go-live/sign-offs/<int:pk>/revoke/",
        sign_off_views.sign_off_revoke,
        name="sign_off_revoke",
    ),
    path("incidents/", incident_views.incidents, name="incidents"),
    path("incidents/report/", incident_views.incident_report, name="incident_report"),
    path(
        "incidents/<int:pk>/",
        incident_views.incident_detail,
        name="incident_detail",
    ),
    path(
        "incidents/<int:pk>/update/",
        incident_views.incident_update,
        name="incident_update",
    ),
    path(
        "incidents/<int:pk>/follow-up/",
        incident_views.incident_follow_up,
        name="incident_follow_up",
    ),
]

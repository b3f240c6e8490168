"""The court portal's pages. Item pages (portal/item_urls.py) are mounted under each
court's URL."""

from django.urls import path

from .views import (
    courts,
    email_answers,
    feeds,
    inbox,
    onboarding,
    profile,
    report,
    roster,
    sustainment,
)

app_name = "portal"

urlpatterns = [
    path("", courts.home, name="home"),
    # Under /accounts/ with the sign-in pages, where people look for it.
    path("accounts/profile/", profile.profile, name="profile"),
    path("notifications/", inbox.inbox, name="inbox"),
    path("notifications/read/", inbox.inbox_mark_read, name="inbox_mark_read"),
    path("notifications/<int:pk>/open/", inbox.inbox_open, name="inbox_open"),
    path("courts/", courts.landing, name="landing"),
    path("courts/<slug:slug>/", courts.court_detail, name="court"),
    path("courts/<slug:slug>/report/", report.court_report, name="report"),
    path("courts/<slug:slug>/invite/", courts.invite, name="invite"),
    path("courts/<slug:slug>/start/", onboarding.start, name="onboarding_start"),
    path("courts/<slug:slug>/reschedule/", onboarding.reschedule, name="reschedule"),
    path(
        "courts/<slug:slug>/processing-model/",
        onboarding.processing_model,
        name="processing_model",
    ),
    path("courts/<slug:slug>/replan/", onboarding.replan, name="replan"),
    path("courts/<slug:slug>/roster/", roster.roster_page, name="roster"),
    path("courts/<slug:slug>/roster/add/", roster.person_edit, name="roster_add"),
    path(
        "courts/<slug:slug>/roster/<int:pk>/", roster.person_edit, name="roster_person"
    ),
    path(
        "courts/<slug:slug>/roster/<int:pk>/left/",
        sustainment.person_left,
        name="roster_left",
    ),
    path(
        "courts/<slug:slug>/roster/deprovisioning/<int:pk>/",
        sustainment.deprovision_step,
        name="roster_deprovision",
    ),
    path(
        "courts/<slug:slug>/roster/import/",
        roster.roster_import_page,
        name="roster_import",
    ),
    path(
        "courts/<slug:slug>/roster/export.csv",
        roster.roster_export,
        name="roster_export",
    ),
    path(
        "courts/<slug:slug>/roster/review/",
        sustainment.access_review,
        name="access_review",
    ),
    path(
        "courts/<slug:slug>/roster/audit/",
        sustainment.audit_packet,
        name="audit_packet",
    ),
    path(
        "courts/<slug:slug>/roster/audit.csv",
        sustainment.audit_packet_csv,
        name="audit_packet_csv",
    ),
    # One-click answers from a mail: the link's token is the credential.
    path("answer/<str:token>/", email_answers.email_answer, name="email_answer"),
    path("calendar/", feeds.subscriptions, name="feeds"),
    path("calendar/reset/", feeds.reset_calendar_token, name="feed_reset"),
    path("calendar/reset-api-token/", feeds.reset_api_token, name="api_token_reset"),
    path("calendar/revoke-api-token/", feeds.revoke_api_token, name="api_token_revoke"),
    path("calendar/<str:token>/all.ics", feeds.all_courts_feed, name="feed_all"),
    path(
        "calendar/<str:token>/courts/<slug:slug>.ics",
        feeds.court_feed,
        name="feed_court",
    ),
]

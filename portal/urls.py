"""The court portal's pages. Item pages (portal/item_urls.py) are mounted under each
court's URL."""

from django.urls import path

from .views import courts, email_answers, feeds, inbox, onboarding, profile, report

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

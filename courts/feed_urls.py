from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("", feeds.subscriptions, name="index"),
    path("reset/", feeds.reset_calendar_token, name="reset"),
    path("reset-api-token/", feeds.reset_api_token, name="reset_api_token"),
    path("<str:token>/all.ics", feeds.all_courts_feed, name="all"),
    path("<str:token>/courts/<slug:slug>.ics", feeds.court_feed, name="court"),
]

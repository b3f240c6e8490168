"""The JSON API's URLs (docs/api.md)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .views import reads, writes

app_name = "api"

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/forecast/", reads.Forecast.as_view(), name="forecast"),
    path("api/onboardings/", reads.OnboardingList.as_view(), name="onboarding_list"),
    path(
        "api/onboardings/<slug:slug>/",
        reads.OnboardingDetail.as_view(),
        name="onboarding_detail",
    ),
    path(
        "api/courts/<slug:slug>/items/<int:pk>/",
        writes.ItemDetail.as_view(),
        name="item_detail",
    ),
    path(
        "api/courts/<slug:slug>/items/<int:pk>/status/",
        writes.ItemStatus.as_view(),
        name="item_status",
    ),
    path(
        "api/courts/<slug:slug>/items/<int:pk>/comments/",
        writes.ItemComments.as_view(),
        name="item_comments",
    ),
    path(
        "api/courts/<slug:slug>/incidents/",
        writes.IncidentReport.as_view(),
        name="incident_report",
    ),
    path(
        "api/courts/<slug:slug>/incidents/<int:pk>/updates/",
        writes.IncidentUpdate.as_view(),
        name="incident_update",
    ),
    path(
        "api/courts/<slug:slug>/incidents/<int:pk>/follow-ups/",
        writes.IncidentFollowUp.as_view(),
        name="incident_follow_up",
    ),
]

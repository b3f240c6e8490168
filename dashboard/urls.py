"""The CCPOR Team's cross-court pages and the read-only JSON API."""

from django.urls import path

from .views import api, exports, incidents, planning_api, planning_pages, portfolio

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", portfolio.index, name="index"),
    path("dashboard/statewide/", portfolio.statewide, name="statewide"),
    path("dashboard/overdue/", portfolio.overdue, name="overdue"),
    path("dashboard/capacity/", planning_pages.capacity, name="capacity"),
    path("dashboard/lead-times/", planning_pages.lead_times, name="lead_times"),
    path("dashboard/incidents/", incidents.incidents, name="incidents"),
    path(
        "dashboard/export/portfolio.csv",
        exports.export_portfolio,
        name="export_portfolio",
    ),
    path("dashboard/export/items.csv", exports.export_items, name="export_items"),
    path(
        "dashboard/export/incidents.csv",
        exports.export_incidents,
        name="export_incidents",
    ),
    path("api/forecast/", planning_api.forecast, name="api_forecast"),
    path("api/capacity/", planning_api.capacity, name="api_capacity"),
    path("api/onboardings/", api.onboarding_list, name="api_onboarding_list"),
    path(
        "api/onboardings/<slug:slug>/",
        api.onboarding_detail,
        name="api_onboarding_detail",
    ),
]

"""The CCPOR Team's cross-court pages (the JSON API is the api app's)."""

from django.urls import path

from .views import exports, incidents, planning_pages, portfolio

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", portfolio.index, name="index"),
    path("dashboard/statewide/", portfolio.statewide, name="statewide"),
    path("dashboard/overdue/", portfolio.overdue, name="overdue"),
    path("dashboard/capacity/", planning_pages.capacity, name="capacity"),
    path(
        "dashboard/capacity/absences/",
        planning_pages.capacity_absence,
        name="capacity_absence",
    ),
    path(
        "dashboard/capacity/people/<int:pk>/hours/",
        planning_pages.capacity_hours,
        name="capacity_hours",
    ),
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
]

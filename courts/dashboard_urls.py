from django.urls import path

from . import dashboard_views as views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("statewide/", views.statewide, name="statewide"),
    path("overdue/", views.overdue, name="overdue"),
    path("export/portfolio.csv", views.export_portfolio, name="export_portfolio"),
    path("export/items.csv", views.export_items, name="export_items"),
]

from django.urls import path

from . import report_views

app_name = "courts_report"

urlpatterns = [
    path("<slug:slug>/report/", report_views.court_report, name="report"),
]

from django.urls import path

from . import views

app_name = "courts"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("<slug:slug>/", views.court_detail, name="detail"),
    path("<slug:slug>/reschedule/", views.reschedule, name="reschedule"),
    path(
        "<slug:slug>/processing-model/",
        views.processing_model,
        name="processing_model",
    ),
]

from django.urls import path

from . import views

app_name = "courts"

urlpatterns = [
    path("<slug:slug>/", views.court_detail, name="detail"),
]

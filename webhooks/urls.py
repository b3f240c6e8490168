from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("dashboard/webhooks/", views.endpoints, name="endpoints"),
    path("dashboard/webhooks/<int:pk>/", views.endpoint_action, name="endpoint_action"),
]

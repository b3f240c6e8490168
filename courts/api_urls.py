from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("onboardings/", api.onboarding_list, name="onboarding_list"),
    path("onboardings/<slug:slug>/", api.onboarding_detail, name="onboarding_detail"),
]

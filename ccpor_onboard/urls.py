from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # /accounts/profile/ is the portal's (portal:profile): it composes several apps.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("accounts.auth_urls")),
    path("courts/<slug:slug>/items/", include("portal.item_urls")),
    path("courts/<slug:slug>/", include("golive.urls")),
    path("", include("webhooks.urls")),
    path("", include("api.urls")),
    path("", include("dashboard.urls")),
    path("", include("portal.urls")),
    path("admin/", admin.site.urls),
]

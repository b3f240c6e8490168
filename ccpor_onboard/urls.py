from django.contrib import admin
from django.urls import include, path

from courts import views as court_views

from . import views

urlpatterns = [
    path("", court_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", include("courts.dashboard_urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("calendar/", include("courts.feed_urls")),
    path("api/", include("courts.api_urls")),
    # Before "courts/": the printable report lives under each court's URL.
    path("courts/", include("courts.report_urls")),
    path("courts/", include("courts.urls")),
    path("courts/<slug:slug>/items/", include("checklists.urls")),
    path("admin/", admin.site.urls),
]

from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "CCPOR Onboard administration"
admin.site.site_title = "CCPOR Onboard admin"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("courts/<slug:slug>/items/", include("checklists.urls")),
    path("", include("dashboard.urls")),
    path("", include("portal.urls")),
    path("admin/", admin.site.urls),
]

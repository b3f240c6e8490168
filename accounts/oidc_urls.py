"""Single sign-on (accounts.oidc_views), at accounts/sso/."""

from django.urls import path

from . import oidc_views

urlpatterns = [
    path("sso/start/", oidc_views.sso_start, name="sso_start"),
    path("sso/callback/", oidc_views.sso_callback, name="sso_callback"),
]

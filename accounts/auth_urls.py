"""Django's sign-in, sign-out and password pages, with the product's versions first
(included without a namespace at accounts/, as django.contrib.auth.urls is)."""

from django.urls import include, path

from . import views

urlpatterns = [
    # The same page as Django's, rate-limited.
    path(
        "password_reset/",
        views.RateLimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]

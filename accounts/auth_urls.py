"""Django's sign-in, sign-out and password pages, with the product's versions first
(included without a namespace at accounts/, as django.contrib.auth.urls is)."""

from django.urls import include, path

from . import oidc_views, views
from .forms import SignInForm

urlpatterns = [
    # Django's page, with a user name or an e-mail address.
    path(
        "login/",
        views.SignInView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    # Django's sign-out, which also ends the single sign-on provider's session.
    path("logout/", oidc_views.SignOutView.as_view(), name="logout"),
    # Single sign-on (OpenID Connect): 404 while it is not configured.
    path("", include("accounts.oidc_urls")),
    # The same page as Django's, rate-limited.
    path(
        "password_reset/",
        views.RateLimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    # Django's pages, worded for a first password (an invitation's link) too.
    path(
        "reset/<uidb64>/<token>/",
        views.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        views.PasswordSetView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("django.contrib.auth.urls")),
]

"""The test provider's pages: django-oauth-toolkit's OpenID Connect endpoints under
/o/, and a bare sign-in form (the test signs in there as a browser would)."""

from django.contrib.auth import authenticate, login
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """Claims as an identity provider sends them, from the provider's user: the
    address in `email`, whether it is verified (first_name "unverified": not, as
    Entra ID), the user name as `preferred_username`, and `amr` (last_name "mfa":
    signed in with several factors)."""

    oidc_claim_scope = None  # every claim, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.first_name != "unverified",
            "preferred_username": user.username,
            "amr": ["pwd", "mfa"] if user.last_name == "mfa" else ["pwd"],
        }


@csrf_exempt
def sign_in(request):
    if request.method == "POST":
        user = authenticate(
            request,
            username=request.POST.get("username"),
            password=request.POST.get("password"),
        )
        if user is None:
            return HttpResponse("wrong password", status=403)
        login(request, user)
        return HttpResponseRedirect(request.GET.get("next") or "/")
    return HttpResponse("sign in")


urlpatterns = [
    path("login/", sign_in),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]

"""One token scheme: the person's own token (`Authorization: Token <token>`, its
digest on accounts.User, with its scope), or the browser session.

A request that sends an Authorization header is judged by it alone: a bad token
is a 401 even with a signed-in session, so that a program never acts as whoever
happens to be signed in.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated

from accounts.selectors import user_for_api_token

# request.auth of a session: the pages' own rights (both scopes).
SESSION = "session"


class TokenOrSession(SessionAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            # The session, with Django REST framework's CSRF check for writes.
            result = super().authenticate(request)
            return (result[0], SESSION) if result else None
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "token" or not key:
            raise NotAuthenticated(
                "Send the header as: Authorization: Token <your API token>."
            )
        user = user_for_api_token(key)
        if user is None:
            raise AuthenticationFailed("The API token is not valid.", "invalid_token")
        return user, user.api_token_scope

    def authenticate_header(self, request) -> str:
        # Also what makes a missing or bad credential a 401 rather than a 403.
        return 'Token realm="api"'


class TokenOrSessionScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token (and the session) to its readers."""

    target_class = TokenOrSession
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Authorization: Token <your token> (a read or a "
            "read-and-write token, made on the calendar and API page), or the "
            "browser session.",
        }

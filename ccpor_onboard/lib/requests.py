"""Reading what a visitor sent, safely. Domain-free.

- `BadBytesMiddleware`: a 400 for NUL and other control characters in the URL, the
  query string or a header, before anything reads them (PostgreSQL refuses NUL in
  text, so they would otherwise reach a query and fail it);
- `safe_next_url`: a `next` to return to, only a path on this site;
- `add_service_error`: a service's ValidationError onto the form that called it.
"""

import re

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.utils.http import url_has_allowed_host_and_scheme

# C0 control characters but tab, and DEL: never in a URL, a query or a header value.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
BAD_REQUEST = (
    "Bad request: the address, its query or a header contains a control character "
    "(such as NUL), which this site never uses."
)


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


class BadBytesMiddleware:
    """400 for a request whose path, query string (decoded), headers or cookies
    contain NUL or another control character. First in MIDDLEWARE: nothing has
    read them yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._bad(request):
            return HttpResponseBadRequest(BAD_REQUEST, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _bad(request) -> bool:
        if has_control_characters(request.path_info):
            return True
        for key, values in request.GET.lists():
            if has_control_characters(key) or any(
                has_control_characters(v) for v in values
            ):
                return True
        if any(
            has_control_characters(value)
            for name, value in request.META.items()
            if name.startswith("HTTP_") and isinstance(value, str)
        ):
            return True
        # Cookies are unquoted after the header is read ("\\000" becomes NUL).
        return any(
            has_control_characters(k) or has_control_characters(v)
            for k, v in request.COOKIES.items()
        )


def safe_next_url(request, candidate: str | None, default: str) -> str:
    """`candidate` if it is a path on this site (never another host, never a view
    name, never a control character), else `default`."""
    if (
        candidate
        and candidate.startswith("/")
        and not has_control_characters(candidate)
        and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return candidate
    return default


def add_service_error(form, exc: ValidationError) -> None:
    """Put a service's messages on the form: on the field they name when the form
    has it, else at the top of the form (a service may name a field, e.g. "status",
    that this form does not show)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)

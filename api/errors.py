"""Every error of the API is JSON of one shape: `{"error": "<code>", "detail":
"<sentence>"}`, plus `"fields": {name: [messages]}` for invalid input. The
refusals of the services and access rules (Django's ValidationError,
PermissionDenied, Http404) come out in the same shape, with their own words."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from checklists.services import StaleEditError


class ApiError(exceptions.APIException):
    """A refusal with its own status and code (`ApiError(400, "invalid_page",
    "...")`)."""

    def __init__(self, status_code: int, code: str, detail: str):
        self.status_code = status_code
        super().__init__(detail, code)


def _field_messages(detail) -> dict:
    return {
        name: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
        for name, msgs in detail.items()
    }


def _translate(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, StaleEditError):
        return ApiError(status.HTTP_409_CONFLICT, "conflict", str(exc))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    return exc


def exception_handler(exc, context):
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
        fields = _field_messages(detail)
        first = next((m for msgs in fields.values() for m in msgs), "Invalid input.")
        response.data = {"error": "invalid", "detail": first, "fields": fields}
        return response
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    response.data = {
        "error": code if isinstance(code, str) else "error",
        "detail": str(getattr(exc, "detail", exc)),
    }
    return response

"""Upload sizes enforced before the body is read. Domain-free.

- `RequestSizeLimitMiddleware`: a multipart request whose Content-Length is over
  UPLOAD_MAX_REQUEST_BYTES is answered 413 at once, its body never read;
- `LimitedUploadHandler` (first in FILE_UPLOAD_HANDLERS): a body with no length
  (chunked) stops being read as soon as it passes the same limit; the view finds
  the reason in `request.upload_refused`.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def too_large_message(size: int | None = None) -> str:
    limit = settings.UPLOAD_MAX_REQUEST_BYTES
    said = f"The upload is {size / 1024 / 1024:.1f} MB; " if size else ""
    return (
        f"{said}at most {_megabytes(limit)} may be sent at once (evidence files: "
        "10 MB). Nothing was saved."
    )


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.content_type == "multipart/form-data":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.UPLOAD_MAX_REQUEST_BYTES:
                return HttpResponse(
                    too_large_message(length),
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """Stop reading an upload that passes UPLOAD_MAX_REQUEST_BYTES."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_REQUEST_BYTES:
            if self.request is not None:
                self.request.upload_refused = too_large_message()
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None

"""The request being served, for code that is not handed it (signal receivers that
write the audit log). Empty outside a request: commands, Celery tasks, the shell."""

from contextvars import ContextVar

_request: ContextVar = ContextVar("current_request", default=None)


def current_request():
    """The HttpRequest being served by this thread or task, or None."""
    return _request.get()


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)

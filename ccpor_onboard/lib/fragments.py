"""Rendered fragments of a page kept in process memory, keyed by everything they
show, for the parts of a page that cost more to render than to look up: a row of a
list whose item has not changed, a form rendered by crispy-forms for the same
values.

A fragment is rendered with a placeholder where a form's CSRF token goes, and each
request puts its own token in, so no fragment carries anyone's token. The key must
name everything the fragment shows (a record's version, the viewer's permissions,
the day when it matters): nothing expires a kept fragment but its key no longer
being asked for.
"""

from collections.abc import Callable, Hashable

from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

from .prepared import Memo

FRAGMENT_CACHE_SIZE = 4096
CSRF_PLACEHOLDER = "csrf-token-of-this-request-goes-here"

_fragments = Memo(FRAGMENT_CACHE_SIZE)


def cached_fragment(
    request, key: Hashable, render: Callable[[dict], str]
) -> SafeString:
    """The fragment for `key`, rendered by `render(context)` the first time; the
    context holds the CSRF placeholder as `csrf_token`."""
    html = _fragments.get(key, lambda: render({"csrf_token": CSRF_PLACEHOLDER}))
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, _token(request))
    return mark_safe(html)  # noqa: S308 - rendered by our templates


def _token(request) -> str:
    # One masked token per request (each call of get_token masks anew).
    token = getattr(request, "_fragment_csrf_token", None)
    if token is None:
        token = request._fragment_csrf_token = get_token(request)
    return token

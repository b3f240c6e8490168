"""Mask secrets carried in URLs and headers before a log line is written.

The product puts these secrets where a log could catch them: the calendar feed
secret in `/calendar/<secret>/...`, the uid and token of a password-reset link in
`/accounts/reset/<uid>/<token>/`, a mail's one-click answer link
`/answer/<token>/`, the single sign-on provider's `?code=` on the callback, and API
tokens in `Authorization: Token ...`.
`RedactSecretsFilter` is attached to Django's request and server loggers and to the
console handler (settings.LOGGING), and to gunicorn's access and error logs
(gunicorn.conf.py). It needs no Django settings, so gunicorn can load it.
"""

import logging
import re

REDACTED = "[redacted]"

_PATTERNS = [
    # /calendar/<secret>/all.ics, /calendar/<secret>/courts/<slug>.ics; the fixed
    # pages under /calendar/ (reset/, reset-api-token/) are left readable.
    re.compile(r"(/calendar/)(?!reset/|reset-api-token/)[^/?#\s\"']+"),
    # /accounts/reset/<uidb64>/<token>/ (and Django's "set-password" step).
    re.compile(r"(/reset/)[^/?#\s\"']+/[^/?#\s\"']+"),
    # /answer/<token>/: a one-click answer link from a mail.
    re.compile(r"(/answer/)[^/?#\s\"']+"),
    # ?code=... : the single sign-on provider's authorization code, on the callback.
    re.compile(r"([?&]code=)[^&#\s\"']+"),
    # The same paths percent-encoded, e.g. in a ?next= parameter.
    re.compile(r"(%2Fcalendar%2F)(?!reset)[^%/?#&\s\"']+", re.IGNORECASE),
    re.compile(r"(%2Freset%2F)[^%/?#&\s\"']+%2F[^%/?#&\s\"']+", re.IGNORECASE),
    # Authorization: Token <secret> / Bearer / Basic, in a header dump or a repr.
    re.compile(
        r"((?:authorization|HTTP_AUTHORIZATION)[\"']?\s*[:=]\s*[\"']?"
        r"(?:Token|Bearer|Basic)\s+)[^\s\"',}]+",
        re.IGNORECASE,
    ),
    # A bare "Token <secret>" (e.g. an access log's %({authorization}i)s field).
    re.compile(r"(\bToken\s+)[A-Za-z0-9_\-]{16,}"),
]


def redact(text: str) -> str:
    """`text` with every secret this product puts in URLs and headers masked."""
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites each record's message with secrets masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True

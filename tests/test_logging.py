"""Secrets never reach a log: calendar feed secrets, password-reset links and API
tokens are masked in Django's request and server logs and in gunicorn's access and
error logs."""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from ccpor_onboard.lib.log_redaction import RedactSecretsFilter, redact

SECRET = "Zk3q9V-xY_7pLm2Nw8RtQ4sUa6Hb1CdEf0GhJiKlMnO"


@pytest.mark.parametrize(
    "line",
    [
        f"Not Found: /calendar/{SECRET}/all.ics",
        f'"GET /calendar/{SECRET}/courts/alameda.ics HTTP/1.1" 404 179',
        f"/accounts/reset/MQ/{SECRET}/",
        f'"GET /answer/{SECRET}/ HTTP/1.1" 200 3120',
        f"/accounts/sso/callback/?state=abc&code={SECRET}",
        f"/accounts/login/?next=%2Fcalendar%2F{SECRET}%2Fall.ics",
        f"/accounts/login/?next=%2Faccounts%2Freset%2FMQ%2F{SECRET}%2F",
        f"{{'HTTP_AUTHORIZATION': 'Token {SECRET}'}}",
        f"Authorization: Token {SECRET}",
        f"Authorization: Bearer {SECRET}",
        f'10.0.0.1 - - "GET /api/onboardings/" 401 - "Token {SECRET}"',
    ],
)
def test_secrets_are_masked(line):
    redacted = redact(line)
    assert SECRET not in redacted
    assert "[redacted]" in redacted


@pytest.mark.parametrize(
    "line",
    [
        "/calendar/",
        "/calendar/reset/",
        "/calendar/reset-api-token/",
        "/calendar/?court=alameda",
        "/accounts/reset/done/",
        "/courts/alameda/items/12/",
    ],
)
def test_everything_else_is_left_readable(line):
    assert redact(line) == line


def test_the_filter_rewrites_the_message_and_keeps_the_record():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (
            f"GET /calendar/{SECRET}/all.ics HTTP/1.1",
            "404",
            "179",
        ),
        None,
    )
    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == '"GET /calendar/[redacted]/all.ics HTTP/1.1" 404 179'


def test_the_filter_is_on_the_request_and_server_loggers_and_the_console():
    for name in ("django.request", "django.server"):
        filters = logging.getLogger(name).filters
        assert any(isinstance(f, RedactSecretsFilter) for f in filters), name
    console = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    ]
    assert console


@pytest.mark.django_db
def test_a_404_on_a_calendar_url_logs_no_secret(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/calendar/{SECRET}/all.ics")
    assert response.status_code == 404
    assert "Not Found: /calendar/[redacted]/all.ics" in caplog.text
    assert SECRET not in caplog.text


@pytest.mark.django_db
def test_a_refused_api_token_logs_no_secret(client, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client.get("/api/onboardings/", HTTP_AUTHORIZATION=f"Token {SECRET}")
    assert response.status_code == 401
    assert SECRET not in caplog.text


def test_runservers_request_log_masks_secrets(caplog):
    logger = logging.getLogger("django.server")
    handler_records = []

    class Keep(logging.Handler):
        def emit(self, record):
            handler_records.append(self.format(record))

    keep = Keep()
    logger.addHandler(keep)
    try:
        logger.info('"%s" %s %s', f"GET /calendar/{SECRET}/all.ics HTTP/1.1", 404, 9)
    finally:
        logger.removeHandler(keep)
    assert handler_records and SECRET not in handler_records[0]


# --- gunicorn -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_gunicorns_access_and_error_logs_mask_secrets(tmp_path):
    """A real gunicorn, started with the repository's gunicorn.conf.py, serving the
    app on the test database; its access log records the Authorization header too."""
    port = _free_port()
    access_log = tmp_path / "access.log"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ccpor_onboard.settings.test",
        "TEST_DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
            f"{db['NAME']}"
        ),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ccpor_onboard.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            '%(h)s "%(r)s" %(s)s "%({authorization}i)s"',
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)  # noqa: S310
                break
            # Refused until gunicorn listens; a first answer slower than 2 s (a
            # busy machine) times out: ask again until the deadline.
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        for path, headers in (
            (f"/calendar/{SECRET}/all.ics", {}),
            (f"/accounts/reset/MQ/{SECRET}/", {}),
            ("/api/onboardings/", {"Authorization": f"Token {SECRET}"}),
        ):
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
            try:
                urllib.request.urlopen(request, timeout=10)  # noqa: S310
            except urllib.error.HTTPError:
                pass
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)
    logged = access_log.read_text()
    assert "/calendar/[redacted]/all.ics" in logged
    assert "/accounts/reset/[redacted]/" in logged
    assert "Token [redacted]" in logged
    assert SECRET not in logged
    # The application's own log lines (Not Found: ...) go to gunicorn's stderr.
    assert "Not Found: /calendar/[redacted]/all.ics" in stderr
    assert SECRET not in stderr

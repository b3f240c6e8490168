"""Every entry point that runs in production (wsgi, asgi, gunicorn with
gunicorn.conf.py, the Celery worker and beat) uses the production settings unless
DJANGO_SETTINGS_MODULE names others, and refuses to start without DJANGO_SECRET_KEY;
manage.py keeps the local settings for development. Each runs in a clean
environment: nothing of the test run's settings, secret or proxy count."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
SECRET = "a-production-secret-" + "z" * 40
LOCAL_KEY = "local-only-insecure-key-do-not-deploy"
SHOW = (
    "from django.conf import settings; "
    "print(settings.SETTINGS_MODULE, settings.DEBUG, settings.SECRET_KEY)"
)


def clean_env(**extra) -> dict:
    """The machine's environment without any of the app's configuration."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")
    }
    return {**kept, **extra}


def production_env() -> dict:
    return clean_env(
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="ccpor.example.org",
        TRUSTED_PROXY_COUNT="1",
    )


def run(args: list[str], env: dict, timeout: int = 60):
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(
    "code",
    [
        "import ccpor_onboard.wsgi",
        "import ccpor_onboard.asgi",
        # What a Celery worker or beat does at start: load the tasks of every app.
        "from ccpor_onboard.celery import app; app.loader.import_default_modules()",
    ],
    ids=["wsgi", "asgi", "celery"],
)
def test_entry_points_refuse_to_start_without_a_secret(code):
    result = run([sys.executable, "-c", code], clean_env())
    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


@pytest.mark.parametrize(
    "code",
    [
        "import ccpor_onboard.wsgi",
        "import ccpor_onboard.asgi",
        "from ccpor_onboard.celery import app; app.loader.import_default_modules()",
        # gunicorn.conf.py imports the package before anything else.
        "import runpy; runpy.run_path('gunicorn.conf.py'); import django; "
        "django.setup()",
    ],
    ids=["wsgi", "asgi", "celery", "gunicorn.conf"],
)
def test_entry_points_use_production_settings(code):
    result = run([sys.executable, "-c", f"{code}; {SHOW}"], production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "ccpor_onboard.settings.production",
        "False",
        SECRET,
    ]


@pytest.mark.parametrize("process", ["worker", "beat"])
def test_celery_worker_and_beat_refuse_to_start_without_a_secret(process):
    # A broker where nothing listens: a worker that did start would take no task of
    # anyone's, and retry until the timeout fails the test.
    result = run(
        [str(BIN / "celery"), "-A", "ccpor_onboard", process, "--loglevel", "ERROR"],
        clean_env(CELERY_BROKER_URL="redis://127.0.0.1:1/0"),
        timeout=30,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_manage_py_keeps_the_local_settings():
    result = run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW], clean_env()
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ccpor_onboard.settings.local", "True", LOCAL_KEY]


def test_a_named_settings_module_wins():
    result = run(
        [sys.executable, "-c", f"import ccpor_onboard.wsgi; {SHOW}"],
        clean_env(DJANGO_SETTINGS_MODULE="ccpor_onboard.settings.local"),
    )
    assert result.stdout.split()[:2] == ["ccpor_onboard.settings.local", "True"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_bare_gunicorn_refuses_without_a_secret():
    result = run(
        [str(BIN / "gunicorn"), "ccpor_onboard.wsgi", "--bind", "127.0.0.1:0"],
        clean_env(),
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_bare_gunicorn_serves_with_debug_off(tmp_path):
    """`gunicorn ccpor_onboard.wsgi` and nothing else: a page that does not exist
    gets the site's plain error page, never Django's debug page with the URLconf,
    the traceback and the settings. (The plain page is a 500 in this checkout: it
    names static files that only `collectstatic`, run by every deployment, lists.)"""
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "ccpor_onboard.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=production_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/no-such-page/",
            headers={
                "Host": "ccpor.example.org",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "203.0.113.9",
            },
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(request, timeout=5)  # noqa: S310
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert status in (404, 500)
        for debug_page in ("URLconf", "Traceback", "DEBUG = True", "SECRET_KEY"):
            assert debug_page not in body
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

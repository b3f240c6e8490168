"""Browser journeys: Playwright for Python drives Debian's Chromium (/usr/bin/chromium,
installed by scripts/test.sh) against pytest-django's live server.

Write a journey like this:

    pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

    def test_something(page, live_server, sign_in, check_page, court_lead):
        sign_in(page, court_lead)
        page.goto(live_server.url + "/accounts/profile/")
        check_page(page, screenshots={1280: "profile"})

`check_page` asserts, at 1280 and at 375 px, that neither the page nor a box in it
scrolls sideways and that axe-core finds no serious or critical violation, that nothing
the page loads fails and the console shows no error (a Content-Security-Policy refusal,
a script error), and queues the HTML the server sent for the Nu HTML Checker, which
test_markup.py runs once over every checked page.
"""

import os

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

from .checks import (
    WIDTHS,
    HtmlRecorder,
    assert_accessible,
    assert_no_horizontal_scroll,
    assert_no_scroll_boxes,
    save_screenshot,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MARKUP_TEST = "test_markup.py::test_every_checked_page_is_valid_html"


def pytest_collection_modifyitems(config, items):
    """The markup check validates what the journeys recorded in this process, so it
    runs after every journey; under pytest-xdist they all run in one process
    (tests/conftest.py, pytest_xdist_make_scheduler). Without xdist the browser tests
    run after all the others."""
    here = os.path.dirname(__file__)

    def rank(item):
        if not str(item.path).startswith(here):
            return 0
        return 2 if item.nodeid.endswith(MARKUP_TEST) else 1

    items.sort(key=rank)  # stable: the order within each group is kept


@pytest.fixture(scope="package")
def playwright(
    _pw_api_request_contexts, _allow_async_unsafe, django_db_setup, django_db_blocker
):
    """pytest-playwright's, for the browser tests alone (package scope, not session):
    Playwright's sync API runs an asyncio loop in the main thread from its start to
    its stop, and while it runs Django refuses synchronous ORM calls (see
    _allow_async_unsafe) and hands out other connection objects (asgiref's Local).
    Stopped after the last browser test, it leaves the main thread as it found it for
    the tests the same process runs next (pytest-xdist sends the browser tests first).

    The browser tests all use a transactional database restored from the snapshot
    that `serialized_rollback=True` keeps (the data migrations' rows: phases, the
    default template, the courts). Around them:

    - the connections made in the loop lack that snapshot: they get it from the
      connections made before;
    - a transactional test without `serialized_rollback` that ran earlier flushed the
      tables and let post_migrate create content types and permissions again under new
      ids, with which the snapshot would collide: the tables are emptied first, as
      after a serialized test (Django's own teardown flush, without post_migrate);
    - a serialized test leaves the tables empty, and the tests that may follow in this
      process (non-transactional ones, under pytest-xdist) expect the reference data
      that django_db_setup loaded: the snapshot is restored after the last one, and
      the loop's connections are closed.
    """
    from django.core.management import call_command
    from django.db import connections

    def flush(alias):
        call_command(
            "flush",
            database=alias,
            interactive=False,
            verbosity=0,
            reset_sequences=False,
            inhibit_post_migrate=True,
        )

    snapshots = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    pw = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    with django_db_blocker.unblock():
        for alias, contents in snapshots.items():
            connections[alias]._test_serialized_contents = contents
            flush(alias)
    yield pw
    with django_db_blocker.unblock():
        for alias, contents in snapshots.items():
            flush(alias)
            connections[alias].creation.deserialize_db_from_string(contents)
        connections.close_all()
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    def launch(**kwargs):
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser):
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, not a browser downloaded by `playwright install`."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="package")
def browser_context_args(
    pytestconfig, playwright, device, base_url, _pw_artifacts_folder
):
    """pytest-playwright's (at the scope of `playwright`, which it uses), with reduced
    motion: Bootstrap then drops its transitions and app.css its flash, so axe never
    measures a colour halfway through a fade."""
    context_args = {"reduced_motion": "reduce"}
    if device:
        context_args.update(playwright.devices[device])
    if base_url:
        context_args["base_url"] = base_url
    if pytestconfig.getoption("--video") in ("on", "retain-on-failure"):
        context_args["record_video_dir"] = _pw_artifacts_folder.name
    return context_args


@pytest.fixture(scope="package", autouse=True)
def _allow_async_unsafe():
    """The test's own ORM calls (factories, assertions) run while Playwright's event
    loop is running in the same thread; they are still synchronous and safe."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package", autouse=True)
def _browser_test_database(playwright):
    """Every browser test, with or without a page, runs between the set-up and the
    clean-up of the database that the `playwright` fixture does."""


@pytest.fixture(autouse=True)
def _fail_fast(request):
    """A missing element fails in 10 s, not Playwright's default 30 s."""
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(10_000)


@pytest.fixture(scope="session")
def html_recorder(live_server) -> HtmlRecorder:
    """Every HTML document the live server sends, by URL (see HtmlRecorder)."""
    recorder = HtmlRecorder()
    httpd = live_server.thread.httpd
    httpd.set_app(recorder.wrap(httpd.get_app()))
    return recorder


@pytest.fixture
def page_errors(page):
    """What went wrong in the browser while the test ran: images, styles, scripts (and
    the favicon) the page asked for and did not get, script errors, and console errors
    such as a refusal by the Content-Security-Policy."""
    errors = []

    def on_response(response):
        if response.request.resource_type != "document" and response.status >= 400:
            errors.append(f"{response.status} {response.url}")

    def on_console(message):
        # A page answered with 404 or 403 logs its own status: that is the test's.
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource"
        ):
            errors.append(f"console: {message.text}")

    page.on("response", on_response)
    page.on("requestfailed", lambda request: errors.append(f"failed {request.url}"))
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on("console", on_console)
    return errors


@pytest.fixture
def check_page(request, html_recorder, page_errors):
    """check_page(page, screenshots={1280: "name", 375: "name-phone"}): the page fits
    1280 and 375 px without sideways scrolling (of the page or of a box in it, such as
    a table in .table-responsive), axe-core finds no serious or critical
    violation at either width, nothing it loads fails and no script or policy error
    shows in the console, and its HTML is queued for the Nu HTML Checker. The viewport
    is left at 1280 px. `full_page=True` makes the screenshots the whole page."""

    def _check(
        page, *, screenshots: dict[int, str] | None = None, full_page: bool = False
    ):
        page.wait_for_load_state("load")
        for width, height in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            assert_no_horizontal_scroll(page)
            assert_no_scroll_boxes(page)
            assert_accessible(page)
            if screenshots and width in screenshots:
                save_screenshot(page, screenshots[width], full_page=full_page)
        page.set_viewport_size({"width": 1280, "height": WIDTHS[1280]})
        assert not page_errors, f"{page.url}: {page_errors}"
        html_recorder.mark(page.url, source=request.node.nodeid)

    return _check


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, user): a signed-in session without the sign-in form (a session
    cookie made by Django's test client). Journeys that test signing in use the form."""

    def _sign_in(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": cookie.value,
                    "url": live_server.url,
                }
            ]
        )

    return _sign_in


@pytest.fixture
def sign_in_with_form(live_server):
    """sign_in_with_form(page, username, password): through the real sign-in form;
    returns on the page the form led to, and fails if it stayed on the form."""

    def _sign_in(page, username: str, password: str) -> None:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        assert "/accounts/login/" not in page.url, f"sign-in failed for {username}"

    return _sign_in

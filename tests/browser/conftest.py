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
    """Browser tests run after all the others, and the markup check after every
    journey. Two reasons: the markup check validates what the journeys recorded, and
    Playwright's sync API leaves an asyncio loop running in the main thread until the
    session ends, which Django's async-safety checks would trip over in later tests."""
    here = os.path.dirname(__file__)

    def rank(item):
        if not str(item.path).startswith(here):
            return 0
        return 2 if item.nodeid.endswith(MARKUP_TEST) else 1

    items.sort(key=rank)  # stable: the order within each group is kept


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, not a browser downloaded by `playwright install`."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Reduced motion: Bootstrap then drops its transitions and app.css its flash, so
    axe never measures a colour halfway through a fade."""
    return {**browser_context_args, "reduced_motion": "reduce"}


@pytest.fixture(scope="session", autouse=True)
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


@pytest.fixture(scope="session", autouse=True)
def _browser_test_database(request, django_db_setup, django_db_blocker):
    """Two things before the first browser test, which all use a transactional
    database restored from the snapshot that `serialized_rollback=True` keeps (the data
    migrations' rows: phases, the default template, the courts):

    - Once Playwright's sync API runs, an asyncio loop counts as running in the main
      thread, and Django (asgiref's Local) hands out *new* connection objects, which
      lack that snapshot: take it from the connections made before Playwright starts.
    - A transactional test without `serialized_rollback` that ran earlier flushed the
      tables and let post_migrate create content types and permissions again under new
      ids; the snapshot would collide with them. Start from empty tables, as after a
      serialized test (Django's own teardown flush, without post_migrate).
    """
    from django.core.management import call_command
    from django.db import connections

    snapshots = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    request.getfixturevalue("playwright")
    with django_db_blocker.unblock():
        for alias, contents in snapshots.items():
            connections[alias]._test_serialized_contents = contents
            call_command(
                "flush",
                database=alias,
                interactive=False,
                verbosity=0,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )


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

"""Every page a journey checked is valid HTML, by the Nu HTML Checker (vnu-jar).

The journeys call `check_page`, which queues the HTML the server sent; this test runs
after all of them (tests/browser/conftest.py orders it last) and validates every queued
page in ONE Java call, so the JVM starts once per session.
"""

import re

import pytest

from .checks import vnu_errors

# No data of its own, but the live server (html_recorder) needs a transactional
# database: restore the reference data after it, like every browser test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _file_name(n: int, url: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", url).strip("-")[:80] or "root"
    return f"{n:03d}-{slug}.html"


def test_every_checked_page_is_valid_html(html_recorder, tmp_path):
    assert html_recorder.checked, (
        "No page was checked in this session: run this test together with the "
        "browser journeys (tests/browser/), which record the pages it validates."
    )
    pages = {}
    for n, (served, source) in enumerate(html_recorder.checked.values(), start=1):
        path = tmp_path / _file_name(n, served.url)
        path.write_bytes(served.html)
        pages[str(path)] = (served, source)

    errors = vnu_errors([tmp_path / name for name in sorted(pages)])

    report = []
    for error in errors:
        served, source = pages.get(error.file, (None, None))
        where = f"{served.method} {served.url} ({source})" if served else error.file
        report.append(f"- {where}\n    {error}")
    assert not errors, (
        f"The Nu HTML Checker found {len(errors)} error(s) in {len(pages)} page(s):\n"
        + "\n".join(report)
    )

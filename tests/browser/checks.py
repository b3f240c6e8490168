"""What every page a browser journey visits must pass, and the tools behind it.

- `assert_accessible(page)`: axe-core (vendored from the npm registry in ./vendor, for
  the tests only) finds no serious or critical violation.
- `assert_no_horizontal_scroll(page)`: the page is no wider than the window, and
  `assert_no_scroll_boxes(page)`: no part of it scrolls sideways in its own box.
- `assert_focus_visible(page)`, `tab(page)`: keyboard focus is on screen and ringed.
- `HtmlRecorder`: keeps the HTML the live server sends for each URL, so that the pages a
  journey checks can be validated by the Nu HTML Checker (`vnu_errors`) in one Java call
  at the end of the session (tests/browser/test_markup.py).
- `save_screenshot(page, name)`: writes docs/screenshots/<name>.png, only when the
  SCREENSHOTS environment variable is set (`SCREENSHOTS=1 make test`).

Playwright and pytest are the only dependencies: scripts and the findings run can
import this module too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import threading
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "vendor" / "axe.min.js"
SCREENSHOT_DIR = HERE.parent.parent / "docs" / "screenshots"

#: The two widths every checked page must fit: a laptop and a phone.
WIDTHS = {1280: 800, 375: 812}

# Impacts that fail a page. axe also reports "moderate" and "minor" ones: they are
# listed by `axe_violations` (the findings run) but do not fail a test.
FAILING_IMPACTS = ("serious", "critical")


# --- axe-core -------------------------------------------------------------------------


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return every violation (all impacts)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Not page.add_script_tag(content=...): the site's Content-Security-Policy
        # (script-src 'self') refuses inline scripts, and should stay on in the tests.
        # Playwright's evaluate goes through DevTools, which the policy does not cover.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target.join(' '),"
        " html: n.html, summary: n.failureSummary}))})))"
    )
    return results


def format_violations(violations: list[dict], *, max_nodes: int = 5) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"][:max_nodes]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v["nodes"]) > max_nodes:
            lines.append(f"    ... and {len(v['nodes']) - max_nodes} more elements")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail when axe-core finds a serious or critical violation on the page."""
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not failing, (
        f"axe-core: {len(failing)} serious or critical violation(s) on {page.url} "
        f"at {page.viewport_size['width']} px:\n{format_violations(failing)}"
    )


# --- Width ----------------------------------------------------------------------------

_OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const wide = [];
  // Inside a box that scrolls or clips, an element does not widen the page, unless it
  // is positioned absolutely against something outside that box (a visually hidden
  // label in a .table-responsive escapes it) or fixed.
  const clipped = (el) => {
    const position = getComputedStyle(el).position;
    if (position === 'fixed') return false;
    let contained = position !== 'absolute';
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.position !== 'static') contained = true;
      if (contained && style.overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !clipped(el)) {
      // Report the outermost culprits only, not every descendant of one.
      if (!wide.some(w => w.el.contains(el))) {
        wide.push({el, right: Math.round(box.right)});
      }
    }
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].slice(0, 3).map(c => '.' + c).join('');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    culprits: wide.slice(0, 8).map(w => `${name(w.el)} (right edge ${w.right} px)`),
  };
}"""


def horizontal_overflow(page) -> dict:
    return page.evaluate(_OVERFLOW_JS)


def assert_no_horizontal_scroll(page) -> None:
    """Fail when the page is wider than the window (it would scroll sideways)."""
    m = horizontal_overflow(page)
    assert m["scrollWidth"] <= m["innerWidth"], (
        f"{page.url} scrolls sideways at {m['innerWidth']} px: the page is "
        f"{m['scrollWidth']} px wide. Widest elements: " + "; ".join(m["culprits"])
    )


_SCROLL_BOXES_JS = """() => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    // Fields scroll their own text; a 1 px box is a visually hidden label.
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) continue;
    if (el.clientWidth <= 1) continue;
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + [...el.classList].slice(0, 3).map(c => '.' + c).join('');
      out.push(`${name} (content ${el.scrollWidth} px in a ${el.clientWidth} px box)`);
    }
  }
  return out;
}"""


def scroll_boxes(page) -> list[str]:
    """Boxes inside the page that scroll sideways (a table in .table-responsive wider
    than its box): the page fits, but the last columns hide behind a scroll bar."""
    return page.evaluate(_SCROLL_BOXES_JS)


def assert_no_scroll_boxes(page) -> None:
    """Fail when a part of the page scrolls sideways inside its own box."""
    boxes = scroll_boxes(page)
    width = page.viewport_size["width"]
    assert not boxes, (
        f"{page.url} at {width} px: content hides behind a sideways scroll bar in "
        + "; ".join(boxes)
    )


# --- Keyboard focus -------------------------------------------------------------------

_FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  const name = (el.getAttribute('aria-label') || label || el.innerText || el.value
    || el.getAttribute('name') || el.id || '').replace(/[\\s*]+/g, ' ').trim();
  return {
    name: `${el.tagName.toLowerCase()} "${name}"`,
    outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
    // Focus inside a field's own browser parts (a date field's calendar button): the
    // field does not match :focus, and Chromium rings that part itself.
    browserPart: el.tagName === 'INPUT' && !el.matches(':focus'),
    onScreen: box.width > 1 && box.height > 1 && box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""


def assert_focus_visible(page) -> str:
    """Fail unless something has keyboard focus, is on screen and shows an outline of
    at least 2 px (app.css draws 3 px; Chromium's own 1 px ring does not count);
    return a short description of it (tag and name)."""
    focus = page.evaluate(_FOCUS_JS)
    assert focus is not None, f"{page.url}: nothing has keyboard focus"
    assert focus["onScreen"], f"{page.url}: {focus['name']} has focus off screen"
    assert focus["outline"] >= 2 or focus["browserPart"], (
        f"{page.url}: {focus['name']} has focus but no visible outline "
        f"({focus['outline']} px)"
    )
    return focus["name"]


def tab(page, *, backwards: bool = False) -> str:
    """Press Tab (Shift+Tab) and return what got focus, which must show it."""
    page.keyboard.press("Shift+Tab" if backwards else "Tab")
    return assert_focus_visible(page)


# --- Screenshots ----------------------------------------------------------------------


def screenshots_enabled() -> bool:
    return os.environ.get("SCREENSHOTS", "") not in ("", "0")


def save_screenshot(page, name: str, *, full_page: bool = False) -> Path | None:
    """docs/screenshots/<name>.png, only with SCREENSHOTS=1, so that a normal test run
    never rewrites tracked files."""
    if not screenshots_enabled():
        return None
    path = SCREENSHOT_DIR / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


# --- HTML served, for the Nu HTML Checker ---------------------------------------------


def url_key(url: str) -> str:
    """The part of a URL the server sees: path (decoded) and query string."""
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.unquote(parts.path) or "/"
    return f"{path}?{parts.query}" if parts.query else path


_CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*"')


@dataclasses.dataclass(frozen=True)
class ServedPage:
    url: str  # path and query
    method: str
    status: str
    html: bytes


class HtmlRecorder:
    """WSGI middleware around the live server: it keeps the last HTML document served
    for each URL (htmx fragments excluded), so a test can hand the exact bytes the
    browser received to the Nu HTML Checker. The browser's DOM would not do: it
    silently repairs duplicate attributes and misnested tags."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, ServedPage] = {}
        # Pages a test asked to validate: one entry per distinct document.
        self.checked: dict[tuple[str, str], tuple[ServedPage, str]] = {}

    def wrap(self, app):
        def recording_app(environ, start_response):
            seen = {}

            def _start_response(status, headers, exc_info=None):
                seen["status"], seen["headers"] = status, headers
                return start_response(status, headers, exc_info)

            result = app(environ, _start_response)
            headers = {k.lower(): v for k, v in seen.get("headers", [])}
            if not headers.get("content-type", "").startswith("text/html") or (
                environ.get("HTTP_HX_REQUEST")
            ):
                return result
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            query = environ.get("QUERY_STRING", "")
            path = environ.get("PATH_INFO", "/")
            # PATH_INFO arrives as latin-1 decoded bytes (PEP 3333).
            path = path.encode("latin-1").decode("utf-8", "replace")
            key = f"{path}?{query}" if query else path
            served = ServedPage(key, environ["REQUEST_METHOD"], seen["status"], body)
            with self._lock:
                self._last[key] = served
            return [body]

        return recording_app

    def last(self, url: str) -> ServedPage | None:
        with self._lock:
            return self._last.get(url_key(url))

    def mark(self, url: str, *, source: str) -> ServedPage:
        """Queue the HTML last served for `url` for validation at the session's end."""
        served = self.last(url)
        assert served is not None, (
            f"No HTML document was served for {url_key(url)}: it cannot be validated."
        )
        digest = hashlib.sha256(_CSRF_VALUE.sub(rb'\1"', served.html)).hexdigest()
        self.checked.setdefault((served.url, digest), (served, source))
        return served


# --- The Nu HTML Checker --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class VnuMessage:
    file: str
    line: int | None
    column: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "document"
        if self.column:
            where += f", column {self.column}"
        extract = " ".join(self.extract.split())
        return f"{where}: {self.message}" + (f"  [{extract[:120]}]" if extract else "")


def vnu_jar() -> Path:
    value = os.environ.get("VNU_JAR", "")
    assert value, (
        "VNU_JAR is not set: run the tests with `make test` or scripts/test.sh, which "
        "fetch the Nu HTML Checker (npm package vnu-jar) and set it."
    )
    jar = Path(value)
    assert jar.is_file(), f"VNU_JAR={value} does not exist"
    return jar


def vnu_errors(files: list[Path]) -> list[VnuMessage]:
    """Validate HTML files with the Nu HTML Checker in ONE Java call; return its errors
    (a file it cannot read counts as an error too)."""
    if not files:
        return []
    proc = subprocess.run(
        [
            "java",
            "-jar",
            str(vnu_jar()),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(
            f"The Nu HTML Checker gave no JSON (exit {proc.returncode}):\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        ) from exc
    messages = []
    for m in report.get("messages", []):
        if m.get("type") == "info":
            continue
        messages.append(
            VnuMessage(
                file=urllib.parse.unquote(urllib.parse.urlsplit(m.get("url", "")).path),
                line=m.get("lastLine"),
                column=m.get("firstColumn"),
                message=m.get("message", ""),
                extract=m.get("extract", ""),
            )
        )
    return messages

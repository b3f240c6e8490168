"""The checks themselves fail when a page is at fault (no live server, no database)."""

import pytest

from .checks import (
    HtmlRecorder,
    assert_accessible,
    assert_focus_visible,
    assert_no_horizontal_scroll,
    assert_no_scroll_boxes,
    save_screenshot,
    tab,
    vnu_errors,
)

GOOD_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fine</title></head>
<body><main><h1>Fine</h1><p>Readable text.</p>
<button type="button" data-hx-post="/x/">Save</button></main></body></html>"""


def test_assert_accessible_passes_a_sound_page(page):
    page.set_content(GOOD_PAGE)
    assert_accessible(page)


def test_assert_accessible_fails_on_serious_violations_and_names_them(page):
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<h1>Bad</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color:#bbb;background:#fff">Pale text</p>'
        '<button type="button"></button></main></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    for rule in ("image-alt", "color-contrast", "button-name"):
        assert rule in message
    assert "at 1280 px" in message


def test_assert_no_horizontal_scroll_fails_on_a_wide_element(page):
    page.set_viewport_size({"width": 375, "height": 812})
    page.set_content(
        '<!doctype html><html lang="en"><body style="margin:0"><div>fits</div>'
        '<table id="wide" style="width:600px"><tr><td>wide</td></tr></table>'
        "</body></html>"
    )
    with pytest.raises(AssertionError, match=r"600 px wide.*table#wide"):
        assert_no_horizontal_scroll(page)

    # A wide table in a scroll box does not widen the page, but an absolutely
    # positioned (visually hidden) label in it escapes the box and does.
    page.set_content(
        '<!doctype html><html lang="en"><body style="margin:0">'
        '<div style="overflow-x:auto"><table style="width:600px"><tr><td>wide</td>'
        '<td style="text-align:right"><span id="hidden" style="position:absolute;'
        'width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)">Label</span>'
        "</td></tr></table></div></body></html>"
    )
    with pytest.raises(AssertionError, match=r"Widest elements: span#hidden"):
        assert_no_horizontal_scroll(page)
    page.evaluate("document.querySelector('div').style.position = 'relative'")
    assert_no_horizontal_scroll(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    assert_no_horizontal_scroll(page)


def test_assert_no_scroll_boxes_fails_on_a_table_wider_than_its_scroll_box(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_content(
        '<!doctype html><html lang="en"><body style="margin:0">'
        '<p style="width:200px;overflow:hidden;text-overflow:ellipsis;'
        'white-space:nowrap">'
        "A long title that is cut with an ellipsis, which is fine</p>"
        '<label for="q">Search</label><input id="q" value="'
        + "a long value "
        * 20
        + '"><div id="box" style="overflow-x:auto;width:400px">'
        '<table style="width:500px"><tr><td>wide</td></tr></table></div></body></html>'
    )
    with pytest.raises(
        AssertionError, match=r"div#box \(content 500 px in a 400 px box\)"
    ):
        assert_no_scroll_boxes(page)
    assert_no_horizontal_scroll(page)  # the page itself fits

    page.evaluate("document.querySelector('table').style.width = '100%'")
    assert_no_scroll_boxes(page)


def test_assert_focus_visible_fails_when_a_control_hides_its_focus(page):
    page.set_content(
        '<!doctype html><html lang="en"><head><style>'
        "a:focus-visible{outline:3px solid #000} button{outline:none}</style>"
        "</head><body><a href=#x>A link</a><button>Bare</button></body></html>"
    )
    page.keyboard.press("Tab")
    assert assert_focus_visible(page) == 'a "A link"'

    page.keyboard.press("Tab")
    with pytest.raises(AssertionError, match='button "Bare" has focus but no visible'):
        assert_focus_visible(page)

    page.evaluate("document.activeElement.blur()")
    with pytest.raises(AssertionError, match="nothing has keyboard focus"):
        assert_focus_visible(page)


def test_screenshots_are_written_only_when_asked(page, monkeypatch, tmp_path):
    from . import checks

    monkeypatch.setattr(checks, "SCREENSHOT_DIR", tmp_path)
    page.set_content(GOOD_PAGE)

    monkeypatch.delenv("SCREENSHOTS", raising=False)
    assert save_screenshot(page, "fine") is None
    assert not list(tmp_path.iterdir())

    monkeypatch.setenv("SCREENSHOTS", "1")
    path = save_screenshot(page, "fine")
    assert path == tmp_path / "fine.png"
    assert path.read_bytes().startswith(b"\x89PNG")


def test_vnu_reports_each_markup_error_with_its_line(tmp_path):
    good = tmp_path / "good.html"
    good.write_text(GOOD_PAGE)
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html>\n<html lang="en"><head><title>Bad</title></head><body>\n'
        '<p id="x" class="a" class="b">one</p><p id="x">two</p>\n'
        '<button hx-post="/x/">Save</button>\n'
        '<time datetime="2026-03-04T12:00:00.123456+00:00">now</time>\n'
        "</body></html>"
    )

    errors = vnu_errors([good, bad])

    assert {e.file for e in errors} == {str(bad)}
    by_line = {}
    for e in errors:
        by_line.setdefault(e.line, []).append(e.message)
    assert any("Duplicate attribute" in m for m in by_line[3])
    assert any("Duplicate ID" in m for m in by_line[3])
    assert any("hx-post" in m for m in by_line[4])
    assert any("fraction of a second" in m for m in by_line[5])


def test_html_recorder_keeps_documents_and_skips_fragments_and_other_types():
    recorder = HtmlRecorder()

    def app(environ, start_response):
        ctype = "text/css" if environ["PATH_INFO"].endswith(".css") else "text/html"
        start_response("200 OK", [("Content-Type", f"{ctype}; charset=utf-8")])
        return [b"<p>", environ["PATH_INFO"].encode(), b"</p>"]

    wrapped = recorder.wrap(app)

    def get(path, query="", **headers):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query}
        return b"".join(wrapped({**environ, **headers}, lambda *a: None))

    assert get("/page/", "a=1") == b"<p>/page/</p>"
    get("/fragment/", HTTP_HX_REQUEST="true")
    get("/static/app.css")

    assert recorder.last("http://localhost:1234/page/?a=1").html == b"<p>/page/</p>"
    assert recorder.last("http://localhost:1234/page/") is None
    assert recorder.last("http://localhost:1234/fragment/") is None
    assert recorder.last("http://localhost:1234/static/app.css") is None
    recorder.mark("http://localhost:1234/page/?a=1", source="here")
    assert len(recorder.checked) == 1
    with pytest.raises(AssertionError, match="No HTML document was served"):
        recorder.mark("http://localhost:1234/fragment/", source="here")


def test_the_site_css_shows_focus_on_bootstrap_buttons_fields_and_date_fields(page):
    """app.css overrides Bootstrap, which removes the outline of buttons and fields."""
    from .checks import HERE

    static = HERE.parent.parent / "static"
    page.set_content(
        '<!doctype html><html lang="en"><body><main>'
        '<a href="#x">A link</a> <button class="btn btn-primary">A button</button>'
        '<label for="t">Text</label><input id="t" class="form-control">'
        '<label for="d">Date</label><input id="d" type="date" class="form-control">'
        '<label for="s">Pick</label><select id="s" class="form-select">'
        "<option>1</option></select></main></body></html>"
    )
    page.add_style_tag(path=static / "vendor" / "bootstrap" / "bootstrap.min.css")
    page.add_style_tag(path=static / "css" / "app.css")

    stops = [tab(page) for _ in range(8)]

    assert stops == [
        'a "A link"',
        'button "A button"',
        'input "Text"',
        *['input "Date"'] * 4,  # month, day, year, then the calendar button
        'select "Pick"',
    ]


def test_the_site_css_keeps_hidden_labels_in_a_wide_table_inside_its_box(page):
    from .checks import HERE

    static = HERE.parent.parent / "static"
    page.set_viewport_size({"width": 375, "height": 812})
    page.set_content(
        '<!doctype html><html lang="en"><body><main class="container">'
        '<div class="table-responsive"><table class="table" style="width:900px"><tr>'
        '<td style="width:800px">Item</td><td><label class="visually-hidden" for="s">'
        "Status</label>"
        '<select id="s"><option>Done</option></select></td></tr></table></div>'
        "</main></body></html>"
    )
    page.add_style_tag(path=static / "vendor" / "bootstrap" / "bootstrap.min.css")
    with pytest.raises(AssertionError, match="label.visually-hidden"):
        assert_no_horizontal_scroll(page)

    page.add_style_tag(path=static / "css" / "app.css")
    assert_no_horizontal_scroll(page)

"""`make bench` writes its table into the marked section of docs/performance.md:
the rewrite replaces that section only, and refuses a page whose markers are wrong
rather than writing the table somewhere else. No database."""

import pytest

from bench.doc_section import END, START, replace_section, write_section
from tests.test_docs import ROOT

PAGE = f"# Performance\n\nHow it measures.\n\n{START}\nold table\n{END}\n\nAfter.\n"


def test_the_section_between_the_markers_is_replaced_and_the_rest_kept():
    assert replace_section(PAGE, "| new | table |\n\n") == (
        f"# Performance\n\nHow it measures.\n\n{START}\n| new | table |\n{END}"
        "\n\nAfter.\n"
    )


def test_replacing_twice_gives_the_same_page_as_replacing_once():
    once = replace_section(PAGE, "table 2")
    assert replace_section(replace_section(PAGE, "table 1"), "table 2") == once


@pytest.mark.parametrize(
    "page",
    [
        "# Performance\n\nno markers\n",
        f"{START}\nonly the start\n",
        f"only the end\n{END}\n",
        f"{END}\nreversed\n{START}\n",
        f"{START}\na\n{END}\n{START}\nb\n{END}\n",
    ],
    ids=["none", "no end", "no start", "reversed", "twice"],
)
def test_a_page_without_one_start_and_one_end_in_order_is_refused(page):
    with pytest.raises(ValueError, match="bench:"):
        replace_section(page, "table")


def test_write_section_rewrites_the_file(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text(PAGE)
    write_section(page, "new table")
    assert page.read_text() == replace_section(PAGE, "new table")


def test_the_performance_page_has_the_markers_make_bench_rewrites():
    text = (ROOT / "docs" / "performance.md").read_text()
    rewritten = replace_section(text, "the new table")
    assert f"{START}\nthe new table\n{END}" in rewritten
    # What the page says around the table is kept.
    assert rewritten.split(START)[0] == text.split(START)[0]
    assert rewritten.split(END)[1] == text.split(END)[1]

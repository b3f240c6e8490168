"""Rewrite the marked section of a Markdown page with `make bench`'s latest table.

Kept apart from bench/bench.py, which sets Django up when imported, so that the
tests can check it without a database.
"""

from pathlib import Path

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"


def replace_section(text: str, body: str, *, start: str = START, end: str = END) -> str:
    """`text` with what lies between the `start` and `end` markers replaced by
    `body`; the markers and everything outside them are kept as they are.

    Raises ValueError when a marker is missing, repeated or out of order: writing
    the table anywhere else (or twice) would leave the page wrong without a word."""
    for marker in (start, end):
        if text.count(marker) != 1:
            raise ValueError(
                f"expected {marker!r} exactly once, found it {text.count(marker)} times"
            )
    before, rest = text.split(start)
    if end not in rest:
        raise ValueError(f"{end!r} comes before {start!r}")
    _, after = rest.split(end)
    return f"{before}{start}\n{body.strip()}\n{end}{after}"


def write_section(path: Path, body: str) -> None:
    """Replace the marked section of the page at `path` with `body`."""
    path.write_text(replace_section(path.read_text(), body))

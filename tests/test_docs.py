"""The map holds: every relative link in the README and docs/ leads to a file (and to
a heading of it, where the link names one), every `make` target they name exists, and
the README stays a front door (at most 15 KB). No database: these read files only."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
README_LIMIT = 15_000  # bytes: "README ≤ 15 KB", read strictly

FENCE = re.compile(r"^ {0,3}(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](target); the target ends at a space or ")".
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?[^)]*\)")
REFERENCE_LINK = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
HTML_ANCHOR = re.compile(r"<a\s[^>]*(?:id|name)=\"([^\"]+)\"", re.IGNORECASE)
MAKE_TARGET = re.compile(r"\bmake\s+([A-Za-z0-9][\w.-]*)")
MAKEFILE_RULE = re.compile(r"^([A-Za-z0-9_.][\w. -]*?)\s*::?(?!=)", re.MULTILINE)


def split_markdown(text: str) -> tuple[list[str], list[str]]:
    """(prose lines, code): the lines outside fenced code blocks, and the text of
    the code (fenced blocks and inline code spans), where commands are written."""
    prose, code, fenced = [], [], None
    for line in text.splitlines():
        match = FENCE.match(line)
        if fenced is None and match:
            fenced = match.group(1)
        elif fenced is not None and line.strip().startswith(fenced):
            fenced = None
        elif fenced is not None:
            code.append(line)
        else:
            prose.append(line)
    code += [m.group(2) for line in prose for m in INLINE_CODE.finditer(line)]
    return prose, code


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text as rendered (links and emphasis
    reduced to their words), lower case, punctuation dropped, each space a hyphen."""
    parts = INLINE_CODE.split(heading)
    # split() gives text, then (fence, code) pairs: code is shown as it is written,
    # while links outside it show their words and HTML tags show nothing.
    text = "".join(
        part
        if i % 3 == 2
        else re.sub(r"<[^>]+>", "", re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", part))
        for i, part in enumerate(parts)
        if i % 3 != 1
    )
    text = text.strip().lower()
    return "".join("-" if c == " " else c for c in text if c.isalnum() or c in " -_")


def anchors(path: Path) -> set[str]:
    """Every anchor of a Markdown file: its headings' slugs (the second "Setup" is
    "setup-1", as on GitHub) and explicit `<a id=…>` anchors."""
    prose, _ = split_markdown(path.read_text())
    seen: dict[str, int] = {}
    found = set()
    for line in prose:
        match = HEADING.match(line)
        if match:
            slug = github_slug(match.group(2))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
        found.update(HTML_ANCHOR.findall(line))
    return found


def relative_links(path: Path) -> list[str]:
    """The link targets written in a page's prose that point inside the repository."""
    prose, _ = split_markdown(path.read_text())
    text = "\n".join(INLINE_CODE.sub("", line) for line in prose)
    targets = INLINE_LINK.findall(text) + REFERENCE_LINK.findall(text)
    return [
        t
        for t in targets
        if t and not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.IGNORECASE)
    ]


def broken_links(path: Path) -> list[str]:
    problems = []
    for target in relative_links(path):
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / unquote(file_part)).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{target}: no such file")
        elif fragment and linked.suffix == ".md":
            if unquote(fragment) not in anchors(linked):
                problems.append(f"{target}: no such heading in {linked.name}")
    return problems


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return {
        target
        for rule in MAKEFILE_RULE.findall(text)
        for target in rule.split()
        if "$" not in target
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    assert broken_links(page) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_make_target_named_exists(page):
    _, code = split_markdown(page.read_text())
    named = {m.group(1) for chunk in code for m in MAKE_TARGET.finditer(chunk)}
    assert named - makefile_targets() == set()


def test_the_readme_is_a_front_door_of_at_most_15_kb():
    assert len(README.read_bytes()) <= README_LIMIT


def test_the_readme_links_every_page_of_the_docs():
    """A reader finds each page by name from the front door."""
    linked = {
        (ROOT / t.partition("#")[0]).resolve()
        for t in relative_links(README)
        if t.partition("#")[0].endswith(".md")
    }
    assert set(PAGES[1:]) - linked == set()


# --- The checker itself: it must catch what it exists to catch. ---------------------
def test_github_slugs_drop_punctuation_and_keep_hyphens():
    assert github_slug("The court page (`/courts/<court>/`)") == (
        "the-court-page-courtscourt"
    )
    assert github_slug("Speed: the queries are right, nothing is kept") == (
        "speed-the-queries-are-right-nothing-is-kept"
    )
    assert github_slug('A court from "mark live refused" to "closed"') == (
        "a-court-from-mark-live-refused-to-closed"
    )
    assert github_slug("See [Operations](docs/operations.md) — now") == (
        "see-operations--now"
    )


def test_a_missing_file_a_missing_heading_and_a_repeated_heading_are_told(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## Setup\n\n## Setup\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n"
        "[ok](other.md#setup) [second](other.md#setup-1) [self](#page)\n"
        "[gone](missing.md) [wrong](other.md#nowhere) [third](other.md#setup-2)\n"
        "![picture](pic.png) [web](https://example.org/x.md) `[code](nowhere.md)`\n"
        "```\n[fenced](nowhere.md)\n# not a heading\n```\n"
        "[self-fenced](#not-a-heading)\n"
    )
    assert broken_links(page) == [
        "missing.md: no such file",
        "other.md#nowhere: no such heading in other.md",
        "other.md#setup-2: no such heading in other.md",
        "pic.png: no such file",
        "#not-a-heading: no such heading in page.md",
    ]


def test_make_targets_are_read_from_code_and_the_makefile():
    _, code = split_markdown(
        "Make sure of it.\n\n`PORT=8100 make run`, `make mutants ARGS=x`\n"
        "```sh\nmake test\n```\n"
    )
    named = {m.group(1) for chunk in code for m in MAKE_TARGET.finditer(chunk)}
    assert named == {"run", "mutants", "test"}
    assert {"run", "test", "bench", "lint", "format", "mutants"} <= makefile_targets()
    assert "VENV" not in makefile_targets()

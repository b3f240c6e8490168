"""The links of a pagination bar, worked out in Python with one `urlencode`.

A page of a list keeps its query string (filters, sort) in every link, with only
`page` changed. Django's `{% querystring %}` copies and encodes the whole query for
each link; a bar of a dozen links on every page of a large list is cheaper with the
rest of the query encoded once.
"""

from dataclasses import dataclass

from django.core.paginator import Page
from django.http import QueryDict


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the gap of an elided range
    href: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pager:
    previous: str  # the previous page's href, "" on the first page
    next: str  # the next page's href, "" on the last page
    links: list[PageLink]


def pager(query: QueryDict, page: Page, page_range) -> Pager:
    """The bar for `page` of a list shown with `query` (request.GET), over
    `page_range` (page numbers, with the paginator's ELLIPSIS for gaps)."""
    rest = query.copy()
    rest.pop("page", None)
    encoded = rest.urlencode()
    prefix = f"?{encoded}&page=" if encoded else "?page="

    def href(number: int) -> str:
        return prefix + str(number)

    return Pager(
        previous=href(page.previous_page_number()) if page.has_previous() else "",
        next=href(page.next_page_number()) if page.has_next() else "",
        links=[
            PageLink(None)
            if n == page.paginator.ELLIPSIS
            else PageLink(n, href(n), n == page.number)
            for n in page_range
        ],
    )

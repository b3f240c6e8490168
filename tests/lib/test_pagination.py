"""The pagination bar's links keep the rest of the query string and change only the
page (ccpor_onboard/lib/pagination.py)."""

from django.core.paginator import Paginator
from django.http import QueryDict

from ccpor_onboard.lib.pagination import pager


def bar(query: str, number: int, pages: int = 20):
    page = Paginator(range(pages * 10), 10).get_page(number)
    return pager(
        QueryDict(query),
        page,
        page.paginator.get_elided_page_range(page.number, on_ends=1),
    )


def test_links_keep_the_query_and_replace_the_page():
    b = bar("q=san+jose&sort=-overdue&page=7&status=onboarding", 7)
    assert b.previous == "?q=san+jose&sort=-overdue&status=onboarding&page=6"
    assert b.next == "?q=san+jose&sort=-overdue&status=onboarding&page=8"
    current = [link for link in b.links if link.current]
    assert [link.number for link in current] == [7]
    assert b.links[0].href == "?q=san+jose&sort=-overdue&status=onboarding&page=1"


def test_the_ends_have_no_previous_or_next_and_gaps_no_link():
    first, last = bar("", 1), bar("", 20)
    assert (first.previous, first.next) == ("", "?page=2")
    assert (last.previous, last.next) == ("?page=19", "")
    gaps = [link for link in first.links if link.number is None]
    assert gaps and all(link.href == "" for link in gaps)
    assert [link.number for link in first.links if link.number][-1] == 20


def test_repeated_parameters_are_kept_each_time():
    b = bar("district=1&district=2&page=3", 3)
    assert b.next == "?district=1&district=2&page=4"

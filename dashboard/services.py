"""Writes of the dashboard: remembering and forgetting a person's portfolio view."""

from .models import SAVED_QUERY_MAX, SavedPortfolioView


def portfolio_view_remember(*, user, query: str) -> None:
    """Keep `query` (a query string without its page) as the portfolio view `user`
    opens on; an empty one, or one too long to keep, forgets it. The view calls it
    only when the query changed."""
    if not query or len(query) > SAVED_QUERY_MAX:
        portfolio_view_forget(user=user)
        return
    if not SavedPortfolioView.objects.filter(user=user).update(query=query):
        SavedPortfolioView.objects.get_or_create(user=user, defaults={"query": query})


def portfolio_view_forget(*, user) -> None:
    SavedPortfolioView.objects.filter(user=user).delete()

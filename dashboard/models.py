"""What the dashboard keeps of a person: the portfolio view they last asked for."""

from django.conf import settings
from django.db import models

# A saved query string longer than this is not kept (the filters fit in far less).
SAVED_QUERY_MAX = 1000


class SavedPortfolioView(models.Model):
    """The filters and sort a CCPOR staff member last applied to the portfolio, as
    the query string of the dashboard's URL: `/dashboard/` opens on it again until
    they clear it (dashboard.services)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_portfolio_view",
    )
    query = models.CharField(max_length=SAVED_QUERY_MAX)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "saved portfolio view"

    def __str__(self) -> str:
        return f"{self.user}: ?{self.query}"

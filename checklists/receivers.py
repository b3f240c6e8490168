"""Keep the portfolio's row of a court (`PortfolioRow`) current when the court or one
of its onboardings is saved or deleted (and delete it with its court), on every
path (services, the admin, commands), in the same transaction. Changes to the items
reach it through the summary refresh (`onboarding_summaries_refresh`)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courts.models import Court

from .models import Onboarding
from .services.portfolio import (
    COURT_FIELDS,
    portfolio_row_delete,
    portfolio_rows_refresh,
)

# What a row copies of an onboarding.
ONBOARDING_FIELDS = frozenset({"court", "status", "go_live_date"})


def _touches(update_fields, fields) -> bool:
    """Whether a save with these `update_fields` (None: every field) can change any
    of `fields`."""
    return update_fields is None or not fields.isdisjoint(update_fields)


@receiver(post_save, sender=Court, dispatch_uid="portfolio_row_court_saved")
def court_saved(sender, instance, update_fields=None, **kwargs):
    if _touches(update_fields, frozenset(COURT_FIELDS)):
        portfolio_rows_refresh(court_ids=[instance.pk])


@receiver(post_delete, sender=Court, dispatch_uid="portfolio_row_court_deleted")
def court_deleted(sender, instance, **kwargs):
    portfolio_row_delete(court_id=instance.pk)


@receiver(post_save, sender=Onboarding, dispatch_uid="portfolio_row_onboarding_saved")
def onboarding_saved(sender, instance, update_fields=None, **kwargs):
    if _touches(update_fields, ONBOARDING_FIELDS):
        portfolio_rows_refresh(court_ids=[instance.court_id])


@receiver(
    post_delete, sender=Onboarding, dispatch_uid="portfolio_row_onboarding_deleted"
)
def onboarding_deleted(sender, instance, **kwargs):
    # A court with onboardings cannot be deleted (PROTECT): the court is there.
    portfolio_rows_refresh(court_ids=[instance.court_id])

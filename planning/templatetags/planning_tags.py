"""`{% onboarding_forecast onboarding as forecast %}`: the forecast in words for a
page of an app below planning (the Go-Live page), which may not import it; one
query, for an active onboarding only."""

from django import template

from ccpor_onboard.lib.dates import today_in_california

from ..presenters import forecast_words
from ..selectors import forecast_of

register = template.Library()


@register.simple_tag
def onboarding_forecast(onboarding):
    return forecast_words(forecast_of(onboarding), today=today_in_california())

"""Wording of derived values, for templates: `{{ state.health|health_label }}`."""

from django import template

from checklists.health import Health

register = template.Library()


@register.filter
def health_label(health: str) -> str:
    """ "On track", "At risk", "Late", or "" for an onboarding without health."""
    return Health.LABELS.get(health, "")

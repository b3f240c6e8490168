"""The list of what blocks a transition (golive/_blockers.html), rendered once per
list and viewer (ccpor_onboard.lib.fragments): the court page shows it on every
request, and a long list costs more to render than to look up."""

from django import template
from django.template.loader import render_to_string

from ccpor_onboard.lib.fragments import cached_fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def blockers_list(context, blockers, link_class: str = ""):
    """golive/_blockers.html for `blockers` (frozen `Blocker`s): kept by the
    blockers themselves, whether the viewer is CCPOR staff (internal tasks are
    named to them only) and the link class."""
    staff = bool(context.get("is_ccpor_staff", False))
    return cached_fragment(
        context.get("request"),
        ("golive-blockers", tuple(blockers), staff, link_class),
        lambda ctx: render_to_string(
            "golive/_blockers.html",
            {
                **ctx,
                "blockers": blockers,
                "is_ccpor_staff": staff,
                "link_class": link_class,
            },
        ),
    )

"""Blockers show the chain: a readiness gate that cannot be finished yet says what it
waits for, and what that waits for, with whose each item is ("Readiness gate 30 …;
it waits for item 28. … (CCPOR Team)"), on the Go-Live page, the court page's panel
and in the refusal to mark live. A CCPOR-internal item is named by number only."""

import pytest
from django.urls import reverse

from checklists.models import ChecklistItem
from golive.selectors import live_readiness_for

pytestmark = pytest.mark.django_db


def gate_messages(onboarding) -> dict[int, str]:
    readiness = live_readiness_for([onboarding])[onboarding.pk]
    by_url = {b.url: b.message for b in readiness.blockers if b.kind == "gate"}
    return {
        item.order: by_url[
            reverse(
                "checklists:item_detail",
                kwargs={"slug": onboarding.court.slug, "pk": item.pk},
            )
        ]
        for item in onboarding.items.filter(is_readiness_gate=True)
        if reverse(
            "checklists:item_detail",
            kwargs={"slug": onboarding.court.slug, "pk": item.pk},
        )
        in by_url
    }


def test_a_gate_says_what_it_waits_for_down_the_chain(start, court, staff_user):
    onboarding = start(court, go_live_in=20)
    messages = gate_messages(onboarding)
    gates = onboarding.items.filter(is_readiness_gate=True).prefetch_related(
        "depends_on__depends_on"
    )
    chained = next(
        g for g in gates if any(d.depends_on.exists() for d in g.depends_on.all())
    )
    first = chained.depends_on.order_by("order").first()
    second = first.depends_on.order_by("order").first()
    message = messages[chained.order]
    named = lambda i: (  # noqa: E731 - the words of one item in a chain
        f"item {i.order} (a CCPOR Team internal task)"
        if i.internal_only
        else f"item {i.order}. {i.title} ({i.get_actor_display()})"
    )
    assert f"; it waits for {named(first)}" in message
    assert f", which waits for {named(second)}" in message
    # Finished, a dependency leaves the chain.
    ChecklistItem.objects.filter(pk__in=[first.pk, second.pk]).update(status="done")
    assert named(first) not in gate_messages(onboarding)[chained.order]


def test_the_go_live_page_shows_the_chain(client, start, court, court_lead):
    onboarding = start(court, go_live_in=20)
    gate = next(
        g
        for g in onboarding.items.filter(is_readiness_gate=True).order_by("order")
        if g.depends_on.exists()
    )
    dependency = gate.depends_on.order_by("order").first()
    client.force_login(court_lead)
    page = client.get(reverse("golive:readiness", args=[court.slug])).content.decode()
    state = f"Readiness gate {gate.order}. {gate.title} is not started"
    assert f"{state}; it waits for item {dependency.order}" in page

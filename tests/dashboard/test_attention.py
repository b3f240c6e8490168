"""The dashboard opens on attention: tiles that filter, what waits on the team, the
portfolio sorted by attention with the courts never started folded into one line,
and the last view each person applied remembered."""

import datetime

import pytest
from django.urls import reverse

from checklists.models import GoLiveChange
from dashboard.models import SavedPortfolioView
from golive.models import GoNoGoDecision, SignOff, SignOffKind, SignOffRole
from tests.dashboard import test_dashboard
from tests.dashboard.test_dashboard import table_slugs
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The dashboard tests' courts in known states, on their pinned day.
portfolio = test_dashboard.portfolio
pinned_today = test_dashboard.pinned_today

INDEX = reverse("dashboard:index")


def test_the_portfolio_opens_on_attention_with_the_courts_never_started_folded(
    client, staff_user, portfolio
):
    client.force_login(staff_user)
    response = client.get(INDEX)
    # Late, then at risk (the most overdue first), then on track (the soonest
    # Go-Live first), then live, then cancelled; the 58 never started are folded.
    assert table_slugs(response) == [
        "behind",
        "slipping",
        "stuck",
        "river",
        "calm",
        "golden",
        "dropped",
    ]
    assert response.context["folded"] == 58
    html = response.content.decode()
    assert "58 courts not started</a>" in html
    assert "sorted by what needs attention first" in html
    # The line unfolds them, at the end of the same order.
    unfolded = client.get(INDEX + "?not_started=show")
    slugs = table_slugs(unfolded)
    assert unfolded.context["page"].paginator.count == 58 + 7
    assert slugs[:7] == table_slugs(response)
    assert (
        "Fold the courts not started"
        in client.get(INDEX + "?not_started=show&page=2").content.decode()
    )
    # Asking for them by status lists them, folded nowhere.
    by_status = client.get(INDEX + "?status=not_started")
    assert by_status.context["folded"] == 0
    assert by_status.context["page"].paginator.count == 58 + 1


def test_the_fold_counts_only_the_courts_matching_the_filters(
    client, staff_user, portfolio
):
    client.force_login(staff_user)
    response = client.get(INDEX + "?district=3")
    # District 3: Slipping and Behind onboarding, 23 superior courts never started.
    assert table_slugs(response) == ["behind", "slipping"]
    assert response.context["folded"] == 23
    empty = client.get(INDEX + "?q=alameda")
    assert table_slugs(empty) == []
    html = empty.content.decode()
    assert "1 court not started</a>" in html
    assert "No court in progress matches these filters" in html


def test_attention_tiles_count_and_filter(client, staff_user, portfolio):
    client.force_login(staff_user)
    response = client.get(INDEX)
    summary = response.context["summary"]
    assert (summary.late, summary.at_risk, summary.go_lives_30) == (1, 2, 1)
    html = response.content.decode()
    assert 'href="?health=late"' in html and 'href="?health=at_risk"' in html
    assert table_slugs(client.get(INDEX + "?health=late")) == ["behind"]
    assert table_slugs(client.get(INDEX + "?health=at_risk")) == ["slipping", "stuck"]
    assert table_slugs(client.get(INDEX + "?window=next_30&sort=go_live")) == ["river"]


def sign(onboarding, kind, role, user):
    from django.utils import timezone

    return SignOff.objects.create(
        onboarding=onboarding,
        kind=kind,
        role=role,
        statement="Accepted.",
        signed_by=user,
        signer_name=str(user),
        signed_at=timezone.now(),
    )


def test_sign_offs_and_decisions_waiting_on_the_team_are_listed(
    client, staff_user, portfolio
):
    client.force_login(staff_user)
    assert "No sign-off or go/no-go decision waits on the team" in (
        client.get(INDEX).content.decode()
    )
    river, calm, golden = portfolio["river"], portfolio["calm"], portfolio["golden"]
    officer, liaison = UserFactory(), UserFactory()
    for onboarding in (river, golden):
        onboarding.so_participates = True
        onboarding.save(update_fields=["so_participates"])
    # River: the court and the sheriff's office have signed acceptance; the team
    # has not.
    sign(river, SignOffKind.ACCEPTANCE, SignOffRole.EXECUTIVE_OFFICER, officer)
    sign(river, SignOffKind.ACCEPTANCE, SignOffRole.SO_LIAISON, liaison)
    # Calm (no sheriff's office): the court and the team have signed; no decision.
    calm.so_participates = False
    calm.save(update_fields=["so_participates"])
    sign(calm, SignOffKind.ACCEPTANCE, SignOffRole.EXECUTIVE_OFFICER, officer)
    sign(calm, SignOffKind.ACCEPTANCE, SignOffRole.CCPOR, staff_user)
    # Golden (live): the court has signed its close-out, the liaison not yet.
    sign(golden, SignOffKind.CLOSE_OUT, SignOffRole.EXECUTIVE_OFFICER, officer)
    waiting = client.get(INDEX).context["team_sign_offs"]
    assert [o.court.slug for o in waiting.shown] == ["river"]
    sign(golden, SignOffKind.CLOSE_OUT, SignOffRole.SO_LIAISON, liaison)
    response = client.get(INDEX)
    assert [o.court.slug for o in response.context["team_sign_offs"].shown] == [
        "river",
        "golden",
    ]
    assert [o.court.slug for o in response.context["team_decisions"].shown] == ["calm"]
    html = response.content.decode()
    assert "the team's acceptance sign-off" in html
    assert "the team's close-out sign-off" in html
    assert "record the go/no-go decision" in html
    # A decision settles it until Go-Live moves again.
    decision = GoNoGoDecision.objects.create(
        onboarding=calm, decision="go", go_live_date=calm.go_live_date
    )
    assert client.get(INDEX).context["team_decisions"].total == 0
    GoLiveChange.objects.create(
        onboarding=calm,
        old_date=calm.go_live_date,
        new_date=calm.go_live_date,
        reason="Moved and back",
    )
    GoLiveChange.objects.filter(onboarding=calm).update(
        changed_at=decision.decided_at + datetime.timedelta(minutes=1)
    )
    assert client.get(INDEX).context["team_decisions"].total == 1


def test_the_last_view_is_remembered_per_person_until_cleared(
    client, staff_user, portfolio
):
    other = UserFactory(ccpor_staff=True)
    client.force_login(staff_user)
    client.get(INDEX + "?district=3&sort=-overdue&page=1")
    # Back to the dashboard later: the same view (its page aside).
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"] == INDEX + "?district=3&sort=-overdue"
    # Someone else's dashboard opens on the default.
    client.force_login(other)
    assert client.get(INDEX).status_code == 200
    # Clearing forgets it, and the Clear button says so.
    client.force_login(staff_user)
    html = client.get(INDEX + "?district=3&sort=-overdue").content.decode()
    assert f'href="{INDEX}?clear=1"' in html
    response = client.get(INDEX + "?clear=1")
    assert response.status_code == 302 and response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200
    assert not SavedPortfolioView.objects.filter(user=staff_user).exists()


def test_a_view_too_long_to_keep_is_not_remembered(client, staff_user, portfolio):
    client.force_login(staff_user)
    client.get(INDEX + "?district=3")
    client.get(INDEX + "?q=" + "x" * 1200)
    assert client.get(INDEX).status_code == 200

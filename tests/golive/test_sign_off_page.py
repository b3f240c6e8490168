"""The sign-off page as a signer and as the CCPOR Team see it: the statement is
suggested (and stays theirs to change), the request they were sent is shown with
who asked, when and its message, and a role nobody holds offers an invitation,
never "the admin"."""

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from golive import services
from golive.forms import suggested_statement
from golive.models import SignOff
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PAGE = "golive:sign_offs"


def sign_off_page(client, user, court) -> str:
    client.force_login(user)
    response = client.get(reverse(PAGE, kwargs={"slug": court.slug}))
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def line(html: str, kind: str, role: str) -> str:
    start = html.index(f'id="line-{kind}-{role}"')
    return html[start : html.index("</article>", start)]


@pytest.fixture
def onboarding(start, court):
    return start(court, go_live_in=20)


def test_the_signer_is_offered_the_usual_words(client, onboarding, court, court_eo):
    eo_line = line(
        sign_off_page(client, court_eo, court), "acceptance", "executive_officer"
    )
    words = suggested_statement(
        kind="acceptance", role="executive_officer", court=court
    )
    assert words.startswith("As the court executive officer, I accept ")
    assert f"{court.everyday_name}'s CCPOR acceptance testing" in words
    assert f">\n{words}</textarea>" in eo_line
    # Theirs to change: what they send is what is signed.
    client.post(
        reverse("golive:sign_off_give", kwargs={"slug": court.slug}),
        {
            "line": "acceptance-executive_officer",
            "give-acceptance-executive_officer-kind": "acceptance",
            "give-acceptance-executive_officer-role": "executive_officer",
            "give-acceptance-executive_officer-statement": "Retest passed; accepted.",
        },
    )
    assert SignOff.objects.get().statement == "Retest passed; accepted."


def test_every_line_has_its_own_words():
    from golive.models import SignOffKind, SignOffRole

    court = type("C", (), {"everyday_name": "Alameda Superior Court"})()
    texts = {
        suggested_statement(kind=kind, role=role, court=court)
        for kind in SignOffKind.values
        for role in SignOffRole.values
    }
    assert len(texts) == 6 and all("Alameda Superior Court" in t for t in texts)


def test_the_signer_sees_the_request_they_were_sent(
    client, onboarding, court, court_eo, staff_user
):
    staff_user.first_name, staff_user.last_name = "Lee", "Park"
    staff_user.save()
    second_eo = MembershipFactory(court=court, role="executive_officer").user
    when = datetime.datetime(2026, 3, 2, 17, 30, tzinfo=datetime.UTC)
    with freeze_time(when - datetime.timedelta(days=1)):
        services.sign_off_ask(
            onboarding=onboarding,
            kind="acceptance",
            role="executive_officer",
            asked=court_eo,
            by=staff_user,
            message="An older note.",
        )
    with freeze_time(when):
        services.sign_off_ask(
            onboarding=onboarding,
            kind="acceptance",
            role="executive_officer",
            asked=court_eo,
            by=staff_user,
            message="The retest passed on Friday: please sign by Tuesday.",
        )
    eo_line = line(
        sign_off_page(client, court_eo, court), "acceptance", "executive_officer"
    )
    asked = eo_line[eo_line.index("asked-of-you") : eo_line.index("<form")]
    assert "<strong>Lee Park</strong> asked you to sign on" in asked
    assert "Mar 2, 2026, 9:30 a.m." in asked
    assert "The retest passed on Friday: please sign by Tuesday." in asked
    assert "An older note." not in asked  # the latest request only
    # The other holder of the role was not asked: no request shown to them.
    other = line(
        sign_off_page(client, second_eo, court), "acceptance", "executive_officer"
    )
    assert "asked you" not in other and "please sign by Tuesday" not in other
    assert "by Lee Park" in other  # who asked whom stays listed


def test_a_role_nobody_holds_offers_the_team_an_invitation(
    client, onboarding, court, court_lead, staff_user
):
    # Court A has no executive officer and no SO liaison yet.
    html = sign_off_page(client, staff_user, court)
    invite = reverse("portal:invite", kwargs={"slug": court.slug})
    eo_line = line(html, "acceptance", "executive_officer")
    assert (
        f'<a href="{invite}?organisation=court&amp;role=executive_officer">Invite the '
        "court executive officer</a>" in eo_line
    )
    so_line = line(html, "acceptance", "so_liaison")
    assert f"{invite}?organisation=so&amp;role=liaison" in so_line
    # The CCPOR Team's line is the team's own: never an invitation to a court.
    assert invite not in line(html, "acceptance", "ccpor")
    assert "admin" not in html[html.index("<h1") :]
    # A court member cannot invite: they are told who does.
    member = line(
        sign_off_page(client, court_lead, court), "acceptance", "executive_officer"
    )
    assert "nobody yet: the CCPOR Team invites them" in member
    assert invite not in member

import datetime
import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from accounts.selectors import user_for_api_token
from checklists import services
from tests.conftest import TODAY
from tests.factories import UserFactory, cancel_onboarding, days

pytestmark = pytest.mark.django_db

HOST = "ccpor-onboard.test"  # settings/test.py: SITE_URL = "https://ccpor-onboard.test"


def all_url(user) -> str:
    return reverse("portal:feed_all", kwargs={"token": user.calendar_token})


def court_url(user, court) -> str:
    return reverse(
        "portal:feed_court", kwargs={"token": user.calendar_token, "slug": court.slug}
    )


def events(response) -> dict[str, dict]:
    """The feed parsed back with icalendar: {UID: {summary, start, end, sequence}}."""
    cal = Calendar.from_ical(response.content)
    found = {}
    for event in cal.walk("VEVENT"):
        found[str(event["UID"])] = {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "sequence": int(event.get("SEQUENCE", 0)),
            "url": str(event["URL"]),
        }
    return found


def uids(onboarding) -> set[str]:
    return {
        f"ccpor-onboarding-{onboarding.pk}-{mark}@{HOST}"
        for mark in ("60-day", "30-day", "go-live")
    }


def test_staff_feed_has_the_three_marks_of_every_court_as_all_day_events(
    client, start, court, other_court, staff_user
):
    a = start(court, go_live_in=90)
    b = start(other_court, go_live_in=120)

    response = client.get(all_url(staff_user))  # no session: the token is enough

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    assert set(found) == uids(a) | uids(b)
    go_live = TODAY + days(90)
    mine = {uid: e for uid, e in found.items() if uid in uids(a)}
    by_start = {e["start"]: e for e in mine.values()}
    assert sorted(by_start) == [go_live - days(60), go_live - days(30), go_live]
    for e in mine.values():
        # All-day: a date, not a datetime, ending the next day.
        assert type(e["start"]) is datetime.date
        assert e["end"] == e["start"] + days(1)
        assert e["url"] == f"https://{HOST}/courts/court-a/"
    # CourtFactory gives superior courts a county: "County 0", "County 1"...
    name = f"{court.county} Superior Court"
    assert by_start[go_live]["summary"] == f"{name}: CCPOR Go-Live"
    assert by_start[go_live - days(60)]["summary"] == (
        f"{name}: 60-day mark before CCPOR Go-Live"
    )


def test_calendar_has_a_name_and_refresh_interval(client, start, court, staff_user):
    start(court)
    cal = Calendar.from_ical(client.get(all_url(staff_user)).content)
    assert str(cal["X-WR-CALNAME"]) == "CCPOR Go-Live: all courts"
    assert cal.decoded("REFRESH-INTERVAL") == datetime.timedelta(hours=1)
    assert str(cal["VERSION"]) == "2.0"


def test_uids_stay_the_same_when_go_live_moves(client, start, court, staff_user):
    onboarding = start(court, go_live_in=90)
    before = events(client.get(all_url(staff_user)))

    services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=TODAY + days(100),
        reason="Court asked for more testing time.",
        by=staff_user,
        today=TODAY,
    )
    after = events(client.get(all_url(staff_user)))

    assert set(after) == set(before) == uids(onboarding)
    for uid in after:
        assert after[uid]["start"] == before[uid]["start"] + days(10)
        assert (before[uid]["sequence"], after[uid]["sequence"]) == (0, 1)


def test_the_same_request_gives_the_same_bytes(client, start, court, staff_user):
    start(court)
    first = client.get(all_url(staff_user)).content
    assert client.get(all_url(staff_user)).content == first


def test_cancelled_onboardings_are_left_out(
    client, start, court, other_court, staff_user
):
    kept = start(court)
    cancelled = start(other_court)
    cancel_onboarding(cancelled, by=staff_user)
    assert set(events(client.get(all_url(staff_user)))) == uids(kept)


def test_member_gets_own_court_feed(client, start, court, other_court, court_lead):
    mine = start(court)
    start(other_court)

    response = client.get(court_url(court_lead, court))

    assert response.status_code == 200
    assert set(events(response)) == uids(mine)
    assert "ccpor-go-live-court-a.ics" in response["Content-Disposition"]


def test_member_gets_404_for_another_courts_feed(
    client, start, court, other_court, court_lead
):
    start(other_court)
    assert client.get(court_url(court_lead, other_court)).status_code == 404


def test_members_all_feed_holds_only_their_courts(
    client, start, court, other_court, court_lead
):
    mine = start(court)
    start(other_court)
    assert set(events(client.get(all_url(court_lead)))) == uids(mine)


def test_staff_gets_any_courts_feed(client, start, other_court, staff_user):
    theirs = start(other_court)
    assert set(events(client.get(court_url(staff_user, other_court)))) == uids(theirs)


def test_unknown_court_feed_is_404(client, staff_user):
    url = reverse(
        "portal:feed_court",
        kwargs={"token": staff_user.calendar_token, "slug": "nowhere"},
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43])
def test_unknown_token_is_404(client, start, court, token):
    start(court)
    assert (
        client.get(reverse("portal:feed_all", kwargs={"token": token})).status_code
        == 404
    )


def test_inactive_users_token_is_404(client, start, court, court_lead):
    start(court)
    court_lead.is_active = False
    court_lead.save()
    assert client.get(court_url(court_lead, court)).status_code == 404
    assert client.get(all_url(court_lead)).status_code == 404


def test_reset_revokes_the_old_url_and_the_new_one_works(
    client, start, court, court_lead
):
    onboarding = start(court)
    old_all, old_court = all_url(court_lead), court_url(court_lead, court)
    client.force_login(court_lead)

    response = client.post(reverse("portal:feed_reset"))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:feeds")
    court_lead.refresh_from_db()
    client.logout()
    assert client.get(old_all).status_code == 404
    assert client.get(old_court).status_code == 404
    assert set(events(client.get(court_url(court_lead, court)))) == uids(onboarding)


def test_reset_needs_post_and_a_session(client, court_lead):
    token = court_lead.calendar_token
    assert client.post(reverse("portal:feed_reset")).status_code == 302  # to sign in
    client.force_login(court_lead)
    assert client.get(reverse("portal:feed_reset")).status_code == 405
    court_lead.refresh_from_db()
    assert court_lead.calendar_token == token


def test_subscription_page_shows_absolute_urls_of_own_courts(client, court, court_lead):
    client.force_login(court_lead)
    response = client.get(reverse("portal:feeds"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"https://{HOST}{court_url(court_lead, court)}" in body
    assert f"https://{HOST}{all_url(court_lead)}" in body
    assert f"webcal://{HOST}{court_url(court_lead, court)}" in body
    assert reverse("portal:feed_reset") in body
    # Everyone may have a token: the API answers only what they may see and do.
    assert "You have no API token" in body


def test_subscription_page_names_a_chosen_court(client, court, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("portal:feeds"), {"court": court.slug})
    body = response.content.decode()
    assert f"https://{HOST}{court_url(staff_user, court)}" in body
    assert f"https://{HOST}{all_url(staff_user)}" in body
    assert "You have no API token" in body


def test_subscription_page_404s_for_a_court_not_yours(client, other_court, court_lead):
    client.force_login(court_lead)
    response = client.get(reverse("portal:feeds"), {"court": other_court.slug})
    assert response.status_code == 404


def test_subscription_page_needs_sign_in(client):
    response = client.get(reverse("portal:feeds"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _shown_token(response) -> str:
    return re.search(
        r'id="api-token"[^>]*value="([^"]+)"', response.content.decode()
    ).group(1)


def test_a_new_api_token_is_shown_once_and_works(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("portal:api_token_reset"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = _shown_token(response)
    assert len(token) >= 40
    assert user_for_api_token(token) == staff_user
    # Never again: the page afterwards says there is one, and shows nothing of it.
    later = client.get(reverse("portal:feeds")).content.decode()
    assert token not in later and "You have an API token" in later
    assert 'id="api-token"' not in later
    # Nor is it in the session or a cookie (a message carrying it would be).
    assert token not in str(dict(client.session)) and token not in str(client.cookies)


def test_a_second_api_token_refuses_the_first(client, staff_user):
    client.force_login(staff_user)
    first = _shown_token(client.post(reverse("portal:api_token_reset")))
    second = _shown_token(client.post(reverse("portal:api_token_reset")))
    assert first != second
    assert user_for_api_token(first) is None
    assert user_for_api_token(second) == staff_user


def test_a_member_makes_a_write_token_and_revokes_it(client, court_lead):
    client.force_login(court_lead)
    response = client.post(reverse("portal:api_token_reset"), {"scope": "write"})
    token = _shown_token(response)
    court_lead.refresh_from_db()
    assert user_for_api_token(token) == court_lead
    assert court_lead.api_token_scope == "write"
    later = client.get(reverse("portal:feeds")).content.decode()
    assert "You have an API token (read and write)" in later
    response = client.post(reverse("portal:api_token_revoke"))
    assert response.status_code == 302
    assert user_for_api_token(token) is None


def test_a_token_is_read_only_unless_write_is_asked(client, court_lead):
    client.force_login(court_lead)
    client.post(reverse("portal:api_token_reset"), {"scope": "everything"})
    court_lead.refresh_from_db()
    assert court_lead.api_token_scope == "read"


def test_every_user_has_a_distinct_secret(db):
    a, b = UserFactory(), UserFactory()
    assert a.calendar_token != b.calendar_token


@pytest.mark.parametrize("n", [3, 40])
def test_all_courts_feed_query_count_does_not_grow_with_onboardings(
    client, start, staff_user, n, django_assert_num_queries
):
    from tests.factories import CourtFactory

    for court in CourtFactory.create_batch(n):
        start(court)
    # 1 the token's owner, 2 CCPOR Team group check, 3 onboardings with their court
    # and reschedule count, 4 scheduled meetings with their court.
    with django_assert_num_queries(4):
        response = client.get(all_url(staff_user))
    assert len(events(response)) == 3 * n

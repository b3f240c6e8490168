"""Bad input on the pages and in the admin, one rule per test (the property tests in
test_bad_input_properties.py drive the same paths with arbitrary values): dates a
person gives stay within the calendar and within ten years; names refuse control
characters; every admin widget answers a malformed value with a page."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from collaboration import services as collaboration_services
from tests.factories import evidence_bytes

pytestmark = pytest.mark.django_db

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
SCOPING = 7  # a meeting item
TRAINING = 25  # "Train-the-trainer sessions held" (a meeting)


@pytest.fixture
def onboarding(start, court):
    return start(court)


def _pages(user, item) -> list[str]:
    """Every page that shows an item's meeting."""
    court = {"slug": item.onboarding.court.slug}
    return [
        reverse("portal:court", kwargs=court),
        item.get_absolute_url(),
        reverse("portal:report", kwargs=court),
        reverse("portal:feed_all", kwargs={"token": user.calendar_token}),
        reverse("portal:feed_court", kwargs={"token": user.calendar_token, **court}),
        reverse("api:onboarding_list"),
        reverse("api:onboarding_detail", kwargs=court),
        reverse("admin:checklists_checklistitem_change", args=[item.pk]),
    ]


@pytest.mark.parametrize(
    "date", ["9999-12-31", "0001-01-01", "2100-01-01", "1999-12-31", "2037-01-01"]
)
def test_a_meeting_far_from_today_is_refused_and_every_page_still_loads(
    client, onboarding, superuser, frozen_today, date
):
    item = onboarding.items.get(order=SCOPING)
    client.force_login(superuser)
    response = client.post(
        reverse("checklists:item_meeting", kwargs={"slug": "court-a", "pk": item.pk}),
        {
            "date": date,
            "starts": "23:00",
            "ends": "23:30",
            "location": "Room 4B",
            "expected_version": item.version,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Choose a date between January 1, 2000 and December 31, 2099" in html
        or "The meeting&#x27;s date must be within 10 years of today" in html
    )
    item.refresh_from_db()
    assert item.meeting_starts_at is None
    for url in _pages(superuser, item):
        assert client.get(url).status_code == 200, url


def test_the_meeting_service_keeps_meetings_and_trainings_within_ten_years(
    onboarding, staff_user, today
):
    for order in (SCOPING, TRAINING):
        item = onboarding.items.get(order=order)
        for day in (datetime.date(2036, 3, 6), datetime.date(2016, 3, 2)):
            starts = datetime.datetime.combine(day, datetime.time(10), LA)
            with pytest.raises(ValidationError, match="within 10 years of today"):
                collaboration_services.item_set_meeting(
                    item=item,
                    by=staff_user,
                    expected_version=item.version,
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=1),
                    today=today,
                )
        starts = datetime.datetime(2036, 3, 3, 10, tzinfo=LA)  # just within
        collaboration_services.item_set_meeting(
            item=item,
            by=staff_user,
            expected_version=item.version,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            location="Room 4B",
            today=today,
        )


def test_a_team_document_far_from_today_is_refused(
    client, default_template, staff_user, evidence_storage, frozen_today
):
    guide = default_template.items.get(order=5)
    for date in (datetime.date(2040, 1, 1), datetime.date(9999, 12, 31)):
        with pytest.raises(ValidationError) as caught:
            collaboration_services.team_document_upload(
                template_item=guide,
                title="Court Planning Guide",
                version="1.0",
                document_date=date,
                file=SimpleUploadedFile("guide.pdf", evidence_bytes("pdf")),
                by=staff_user,
            )
        assert list(caught.value.message_dict) == ["document_date"]
    with pytest.raises(ValidationError) as caught:
        collaboration_services.team_document_validate(
            template_item=guide, title="Guide\x00", version="1\n0"
        )
    assert set(caught.value.message_dict) == {"title", "version"}
    assert not guide.documents.exists()


def test_an_invitation_refuses_control_characters_in_names(client, court, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("portal:invite", kwargs={"slug": "court-a"}),
        {
            "email": "new.person@court.example.org",
            "first_name": "Ann\x1b[2J",
            "last_name": "Lee",
            "organisation": "court",
            "role": "project_lead",
        },
    )
    assert response.status_code == 200
    assert "no line breaks or control characters" in response.content.decode()
    assert not User.objects.filter(email="new.person@court.example.org").exists()


def test_a_phone_number_with_control_characters_is_refused(client, court_lead):
    client.force_login(court_lead)
    response = client.post(
        reverse("portal:profile"), {"phone": "555\x07 0100", "weekly_digest": "on"}
    )
    assert response.status_code == 200
    assert "no line breaks or control characters" in response.content.decode()
    court_lead.refresh_from_db()
    assert court_lead.phone == ""


def test_an_empty_sort_key_sorts_the_portfolio_by_default(client, staff_user):
    client.force_login(staff_user)
    for sort in (",", ",,-", "-,"):
        response = client.get(reverse("dashboard:index"), {"sort": sort})
        assert response.status_code == 200, sort
        assert "sorted by what needs attention first" in response.content.decode()


# --- Admin widgets ------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "due_date__year=99999999999999999999999",
        "due_date__year=-1",
        "created_at__year=9223372036854775808",
        "verified_at__gte=99999-01-01",
        "meeting_starts_at__lt=0000-00-00",
        "o=99999999999999999999",
        "o=-1.x",
        "p=-5",
        "p=99999999999999",
        "q=" + "x" * 5000,
    ],
)
def test_an_item_list_filter_out_of_range_is_a_page(admin_client, onboarding, query):
    url = reverse("admin:checklists_checklistitem_changelist") + "?" + query
    response = admin_client.get(url)
    assert response.status_code in (200, 302), query
    # Nothing left broken: the next request works.
    assert admin_client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/checklists/onboarding/?go_live_date__year=9999&go_live_date__month=12"
        "&go_live_date__day=31",
        "/admin/checklists/onboarding/?go_live_date__year=99999999999999999999999",
        "/admin/audit/auditevent/?created_at__year=1&created_at__month=1"
        "&created_at__day=1",
        "/admin/audit/auditevent/?ip_address__exact=not-an-address",
        "/admin/axes/accessattempt/?ip_address__gte=x",
        "/admin/checklists/checklistitem/abc/history/",
        "/admin/checklists/checklistitem/1/history/abc/",
        "/admin/checklists/onboarding/abc/history/",
        "/admin/checklists/onboarding/abc/transition/mark_live/",
        "/admin/checklists/onboarding/99999999999999999999/transition/close/",
        "/admin/checklists/checklistitem/" + "x" * 3000 + "/change/",
        "/admin/checklists/checklistitem/99999999999999999999999/delete/",
        "/admin/autocomplete/?term=a&app_label=courts&model_name=membership"
        "&field_name=user&page=999999999999999999999",
        "/admin/autocomplete/?term=a&app_label=é&model_name=x&field_name=y",
        "/admin/autocomplete/?term=" + "x" * 5000 + "&app_label=checklists"
        "&model_name=checklistitem&field_name=owner",
    ],
)
def test_admin_widgets_answer_a_malformed_value_with_a_page(
    admin_client, onboarding, url
):
    response = admin_client.get(url)
    assert response.status_code in (200, 302, 400, 403, 404), url
    assert admin_client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "abc", "1.5"])
def test_admin_raw_id_and_autocomplete_values_are_form_errors(
    admin_client, onboarding, value
):
    """A raw id (an evidence's item) or an autocomplete choice (an item's owner)
    naming no row, or no number at all, is an error on the form."""
    response = admin_client.post(
        reverse("admin:collaboration_evidence_add"), {"item": value}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    item = onboarding.items.get(order=11)
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None
    }
    data.update(owner=value, depends_on=[d.pk for d in item.depends_on.all()])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    # An inline's autocomplete field too (a court's memberships).
    response = admin_client.post(
        reverse("admin:courts_court_change", args=[onboarding.court_id]),
        {
            "name": "Court A",
            "slug": "court-a",
            "court_type": "superior",
            "district": 1,
            "is_active": "on",
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-0-user": value,
            "memberships-0-organisation": "court",
            "memberships-0-role": "viewer",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()

"""Bad input never gives a 500 (PostgreSQL: NUL refused in text, varchar lengths
enforced): control characters in the URL, the query, headers and cookies are a 400;
every typed field has a bound with a message and fits its column, history reasons
built from it included; dates stay within a sane range; a `next` that is not a path
on this site is ignored."""

import datetime

import pytest
from django.urls import reverse

from checklists import limits, services
from checklists.models import ChecklistItem, GoLiveChange, Onboarding
from collaboration import services as collaboration_services
from tests.factories import attach_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def onboarding(start, court):
    return start(court)


@pytest.fixture
def court_item(onboarding):
    return onboarding.items.filter(actor="court").order_by("order").first()


def _item_url(name, item):
    return reverse(name, kwargs={"slug": item.onboarding.court.slug, "pk": item.pk})


# --- The URL, the query, headers and cookies ------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/courts/court-a%00/",
        "/dashboard/?q=%00",
        "/dashboard/?q=a%00b&sort=court",
        "/dashboard/?%00=1",
        "/api/onboardings/?status=%01active",
        "/accounts/login/?next=/%0d%0aSet-Cookie:x",
    ],
)
def test_control_characters_in_the_url_are_a_400(client, staff_user, path):
    client.force_login(staff_user)
    response = client.get(path)
    assert response.status_code == 400
    assert "control character" in response.content.decode()


@pytest.mark.parametrize("pk", ["9223372036854775808", "99999999999999999999999"])
def test_an_item_id_too_big_for_the_database_is_a_404(
    client, staff_user, court_lead, court, pk
):
    for user in (staff_user, court_lead):
        client.force_login(user)
        for tail in ("", "evidence/1/"):
            response = client.get(f"/courts/{court.slug}/items/{pk}/{tail}")
            assert response.status_code == 404


def test_nul_in_a_header_or_a_cookie_is_a_400(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/dashboard/").status_code == 200
    assert (
        client.get("/api/onboardings/", HTTP_AUTHORIZATION="Token a\x00b").status_code
        == 400
    )
    assert client.get("/dashboard/", HTTP_X_ANYTHING="\x00").status_code == 400
    client.cookies["sessionid"] = "abc\x00defghijk"
    assert client.get("/dashboard/").status_code == 400


def test_nul_in_form_fields_is_a_form_error(
    client, court_lead, court_item, frozen_today
):
    client.force_login(court_lead)
    response = client.post(
        _item_url("checklists:item_status", court_item),
        {"status": "blocked", "reason": "a\x00b", "expected_version": 1},
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    court_item.refresh_from_db()
    assert court_item.status == "not_started"


def test_a_huge_username_at_sign_in_is_a_failed_sign_in(client):
    from axes.models import AccessAttempt

    for username in ("x" * 100_000, "x" * 1000 + "\x00"):
        response = client.post(
            reverse("login"), {"username": username, "password": "p"}
        )
        assert response.status_code == 200
    # Counted under the first 150 characters, without the NUL.
    assert AccessAttempt.objects.get().username == "x" * 150


def test_a_next_that_is_not_a_path_here_is_ignored(
    client, court_lead, court_item, frozen_today
):
    client.force_login(court_lead)
    for target in ("portal:home", "https://evil.example/", "//evil.example/", "a\x00"):
        response = client.post(
            reverse("checklists:bulk_status", kwargs={"slug": "court-a"}),
            {
                "items": [court_item.pk],
                "status": "in_progress",
                "next": target,
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/courts/court-a/"


# --- Typed text: bounded by the forms, fitting the columns ----------------------


def test_long_text_is_refused_by_the_form_with_the_limit(
    client, court_lead, staff_user, court_item, frozen_today
):
    client.force_login(court_lead)
    response = client.post(
        _item_url("checklists:item_status", court_item),
        {
            "status": "blocked",
            "reason": "r" * (limits.REASON_MAX + 1),
            "expected_version": 1,
        },
    )
    assert response.status_code == 200
    assert f"at most {limits.REASON_MAX} characters" in response.content.decode()
    response = client.post(
        _item_url("checklists:comment_add", court_item),
        {"body": "c" * (limits.COMMENT_MAX + 1)},
    )
    assert response.status_code == 200
    assert f"at most {limits.COMMENT_MAX} characters" in response.content.decode()
    assert not court_item.comments.exists()


def test_a_long_reopen_reason_is_kept_and_its_history_reason_fits(
    client, staff_user, court_item, frozen_today
):
    attach_evidence(court_item, by=staff_user)  # N/A needs its document too
    item = services.item_set_status(
        item=court_item, status="na", by=staff_user, expected_version=1, reason="n/a"
    )
    client.force_login(staff_user)
    reason = "Because " + "the letter was unsigned " * 40
    assert len(reason) <= limits.REASON_MAX
    response = client.post(
        _item_url("checklists:item_reopen", item),
        {"reason": reason, "expected_version": item.version},
    )
    assert response.status_code == 302
    record = court_item.history.get(history_change_reason__startswith="reopened")
    assert len(record.history_change_reason) == limits.HISTORY_REASON_MAX
    assert record.history_change_reason.startswith("reopened: Because the letter")
    assert court_item.comments.get().body == f"Reopened: {reason.strip()}"


def test_reopening_an_item_that_is_not_finished_is_a_message_not_a_500(
    client, staff_user, court_item, frozen_today
):
    client.force_login(staff_user)
    response = client.post(
        _item_url("checklists:item_reopen", court_item),
        {"reason": "why", "expected_version": court_item.version},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Only a done or N/A item can be reopened" in page


def test_a_long_go_live_reason_is_kept_and_its_history_reason_fits(
    client, staff_user, onboarding, frozen_today
):
    client.force_login(staff_user)
    reason = "The court asked for more time: " + "x" * 900
    response = client.post(
        reverse("portal:reschedule", kwargs={"slug": "court-a"}),
        {
            "go_live_date": (
                onboarding.go_live_date + datetime.timedelta(30)
            ).isoformat(),
            "reason": reason,
        },
    )
    assert response.status_code == 302
    assert GoLiveChange.objects.get().reason == reason
    record = ChecklistItem.history.filter(
        history_change_reason__startswith="Go-Live moved"
    ).first()
    assert len(record.history_change_reason) == limits.HISTORY_REASON_MAX


# --- Dates ------------------------------------------------------------------------


@pytest.mark.parametrize("new_date", ["9999-12-31", "2036-03-05", "2200-01-01"])
def test_go_live_more_than_ten_years_ahead_is_refused(
    client, staff_user, onboarding, frozen_today, new_date
):
    client.force_login(staff_user)
    response = client.post(
        reverse("portal:reschedule", kwargs={"slug": "court-a"}),
        {"go_live_date": new_date, "reason": "later"},
    )
    assert response.status_code == 200
    assert "must be within 10 years" in response.content.decode()
    # Ten years to the day is allowed.
    response = client.post(
        reverse("portal:reschedule", kwargs={"slug": "court-a"}),
        {"go_live_date": "2036-03-04", "reason": "later"},
    )
    assert response.status_code == 302


def test_the_admin_refuses_a_go_live_date_beyond_ten_years(admin_client, court):
    response = admin_client.post(
        reverse("admin:checklists_onboarding_add"),
        {"court": court.pk, "go_live_date": "9999-12-31"},
    )
    assert response.status_code == 200
    assert "must be within 10 years" in response.content.decode()
    assert not Onboarding.objects.exists()


def test_the_admin_refuses_a_template_offset_beyond_ten_years(
    admin_client, default_template
):
    item = default_template.items.get(order=1)
    url = reverse("admin:checklists_templateitem_change", args=[item.pk])
    page = admin_client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        template=default_template.pk,
        phase=item.phase_id,
        offset_days=10**9,
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "less than or equal to 3650" in response.content.decode()
    item.refresh_from_db()
    assert item.offset_days == -150


def test_the_admin_refuses_a_due_date_far_from_go_live(admin_client, court_item):
    url = reverse("admin:checklists_checklistitem_change", args=[court_item.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None
    }
    data["depends_on"] = [d.pk for d in court_item.depends_on.all()]
    data["due_date"] = "9999-12-31"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "A due date must be within 3650 days of Go-Live" in response.content.decode()


def test_services_refuse_text_beyond_the_limits(court_item, staff_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        collaboration_services.comment_add(
            item=court_item, body="c" * 6000, by=staff_user
        )
    with pytest.raises(ValidationError):
        services.item_set_status(
            item=court_item,
            status="blocked",
            by=staff_user,
            expected_version=1,
            reason="r" * 1001,
        )


def test_a_malformed_or_oversized_form_body_is_a_400_not_a_500(
    client, court_lead, court_item
):
    client.force_login(court_lead)
    url = _item_url("checklists:comment_add", court_item)
    broken = client.generic(
        "POST",
        url,
        b'--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nunterminated',
        content_type="multipart/form-data; boundary=x",
    )
    assert broken.status_code < 500
    too_many = client.post(url, {f"f{i}": "x" for i in range(2001)})
    assert too_many.status_code == 400
    too_big = client.post(url, {"body": "x" * (1024 * 1024 + 1)})
    assert too_big.status_code == 400

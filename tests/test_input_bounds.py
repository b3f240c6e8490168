"""Every value a person can type is bounded on the model field it fills, so that the
admin, every ModelForm and the services apply the same bound
(ccpor_onboard.lib.bounds): dates and times within the calendar window, text with
a length limit that model validation checks, no control characters in names and
titles. The enumerations fail for a new field that forgets its bound."""

import datetime
import zoneinfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from ccpor_onboard.lib import bounds
from checklists.models import ChecklistItem
from courts.models import Court

pytestmark = pytest.mark.django_db

PROJECT_APPS = (
    "accounts",
    "audit",
    "courts",
    "notifications",
    "checklists",
    "collaboration",
    "reminders",
    "golive",
    "webhooks",
    "planning",
    "roster",
)
LA = zoneinfo.ZoneInfo("America/Los_Angeles")

# Text nobody types: written by the product itself (secrets, hashes, logs, errors,
# copies of values checked where they were typed).
SYSTEM_TEXT = {
    "accounts.User.password": "a password hash",
    "accounts.User.username": "Django's pattern: letters, digits and @.+-_ only",
    "accounts.User.calendar_token": "a secret the product makes",
    "accounts.User.api_token_digest": "the digest of a secret the product makes",
    "accounts.Session.session_key": "made by the session engine",
    "accounts.Session.session_data": "made by the session engine",
    "audit.AuditEvent.username": "the audit log: what was sent, kept as evidence",
    "audit.AuditEvent.target": "the audit log, written by the product",
    "audit.AuditEvent.detail": "the audit log, written by the product",
    "audit.AuditEvent.user_agent": "a header (BadBytesMiddleware refuses controls)",
    "notifications.Notification.claim_token": "the outbox's claim",
    "notifications.Notification.error": "the outbox's outcome",
    "notifications.Notification.address": "a copy of the person's checked address",
    "notifications.Notification.subject": "built from checked names and titles",
    "notifications.Notification.url": "a link the product builds",
    "notifications.AnswerLinkUse.digest": "the digest of a link the product made",
    "reminders.ReminderLog.claim_token": "the outbox's claim",
    "reminders.ReminderLog.error": "the outbox's outcome",
    "reminders.DigestLog.claim_token": "the outbox's claim",
    "reminders.DigestLog.error": "the outbox's outcome",
    "golive.IncidentMail.claim_token": "the outbox's claim",
    "webhooks.Delivery.claim_token": "the outbox's claim",
    "webhooks.Delivery.error": "the outbox's outcome",
    "webhooks.Delivery.body": "the JSON the product writes and signs",
    "roster.RosterReminder.claim_token": "the outbox's claim",
    "roster.RosterReminder.error": "the outbox's outcome",
    "roster.RosterReminder.mark": "set by the reminder sweep",
    "golive.IncidentMail.error": "the outbox's outcome",
    "golive.IncidentEvent.changes": "written by the incident service",
    "collaboration.Evidence.content_type": "detected from the file",
    "collaboration.TeamDocument.content_type": "detected from the file",
    "checklists.HistoricalOnboarding.history_change_reason": "limits.history_reason",
    "checklists.HistoricalChecklistItem.history_change_reason": (
        "limits.history_reason"
    ),
}

# Times nobody types, set by a library when it records something.
SYSTEM_TIMES = {
    "checklists.HistoricalOnboarding.history_date": "django-simple-history's",
    "checklists.HistoricalChecklistItem.history_date": "django-simple-history's",
}


def _fields(*kinds):
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, kinds):
                    yield f"{app}.{model.__name__}.{field.name}", field


DATE_FIELDS = [
    pytest.param(field, id=name)
    for name, field in _fields(models.DateField)  # DateTimeField is one
    if field.editable and name not in SYSTEM_TIMES
]
TEXT_FIELDS = [
    pytest.param(field, id=name)
    for name, field in _fields(models.TextField)
    if name not in SYSTEM_TEXT
]
ONE_LINE_FIELDS = [
    pytest.param(field, id=name)
    for name, field in _fields(models.CharField)
    if name not in SYSTEM_TEXT
    and not field.choices
    and not isinstance(field, models.SlugField)  # its pattern: letters, digits, -_
]


def test_the_enumerations_see_the_fields_that_matter():
    names = {p.id for p in DATE_FIELDS + TEXT_FIELDS + ONE_LINE_FIELDS}
    assert {
        "checklists.ChecklistItem.meeting_starts_at",
        "checklists.ChecklistItem.due_date",
        "golive.Incident.description",
        "golive.IncidentEvent.note",
        "golive.SignOffRequest.message",
        "golive.SignOff.revoke_reason",
        "courts.Court.name",
        "accounts.User.first_name",
        "collaboration.TeamDocument.document_date",
    } <= names
    stale = {*SYSTEM_TEXT, *SYSTEM_TIMES} - {name for name, _ in _fields(models.Field)}
    assert not stale, f"exemptions for fields that no longer exist: {stale}"


@pytest.mark.parametrize("field", DATE_FIELDS)
def test_every_date_and_time_field_is_bounded_to_the_calendar_window(field):
    assert bounds.validate_date_in_window in field.validators


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_every_text_field_has_a_length_limit_that_model_validation_checks(field):
    assert field.max_length, "a TextField needs max_length (bounded_text)"
    assert any(
        isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
        for v in field.validators
    )
    assert bounds.validate_multi_line in field.validators


@pytest.mark.parametrize("field", ONE_LINE_FIELDS)
def test_every_name_and_title_refuses_control_characters(field):
    assert bounds.validate_single_line in field.validators


# --- The validators ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["Court\x00A", "Court\x01A", "Court\tA", "Court\nA", "Court\u2028A", "\x7f"],
)
def test_one_line_values_refuse_control_characters(value):
    with pytest.raises(ValidationError):
        bounds.validate_single_line(value)


def test_multi_line_text_keeps_tabs_and_line_breaks_only():
    bounds.validate_multi_line("Line one,\r\n\tline two. Ünïcödé ✓")
    for value in ("a\x00b", "a\x1bb", "a\x0cb", "a\u2029b"):
        with pytest.raises(ValidationError):
            bounds.validate_multi_line(value)


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(1999, 12, 31),
        datetime.date(2100, 1, 1),
        datetime.date(9999, 12, 31),
        datetime.date(1, 1, 1),
        datetime.datetime(9999, 12, 31, 23, 0, tzinfo=LA),
    ],
)
def test_dates_outside_the_window_are_refused(value):
    with pytest.raises(ValidationError):
        bounds.validate_date_in_window(value)


# The database's twin of the meeting times' window (item_meeting_in_window) agrees
# with the validator at the window's ends, in the time zones farthest from UTC.
EDGES = [
    datetime.datetime(2000, 1, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo("Pacific/Kiritimati")),
    datetime.datetime(2000, 1, 1, 0, 0, tzinfo=LA),
    datetime.datetime(2099, 12, 31, 23, 59, tzinfo=LA),
    datetime.datetime(2099, 12, 31, 23, 59, tzinfo=zoneinfo.ZoneInfo("Etc/GMT+12")),
]


@pytest.mark.parametrize("moment", EDGES, ids=str)
def test_a_time_the_validator_accepts_the_database_stores(start, court, moment):
    bounds.validate_date_in_window(moment)
    item = start(court).items.get(order=31)
    ChecklistItem.objects.filter(pk=item.pk).update(
        meeting_starts_at=moment, meeting_ends_at=moment
    )
    item.refresh_from_db()
    assert item.meeting_starts_at == moment


def test_the_database_refuses_a_meeting_time_python_cannot_read_back(start, court):
    item = start(court).items.get(order=31)
    far = datetime.datetime(9999, 12, 31, 23, 0, tzinfo=LA)  # year 10000 in UTC
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistItem.objects.filter(pk=item.pk).update(meeting_starts_at=far)


def test_services_name_the_field_they_refuse():
    with pytest.raises(ValidationError) as caught:
        bounds.validate_values(Court, name="Court\x00A", county="ok")
    assert list(caught.value.message_dict) == ["name"]


# --- The admin applies the model's bounds -----------------------------------------


def _admin_form_data(admin_client, url):
    form = admin_client.get(url).context["adminform"].form
    return {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None
    }


def test_the_admin_refuses_control_characters_in_a_court_name(admin_client):
    response = admin_client.post(
        reverse("admin:courts_court_add"),
        {
            "name": "Court\x01of Nowhere",
            "slug": "nowhere",
            "court_type": "superior",
            "district": 1,
            "is_active": "on",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "no line breaks or control characters" in response.content.decode()
    assert not Court.objects.filter(slug="nowhere").exists()


def test_the_admin_refuses_control_characters_in_a_persons_name(
    admin_client, court_lead
):
    url = reverse("admin:accounts_user_change", args=[court_lead.pk])
    data = _admin_form_data(admin_client, url)
    data.update(
        {
            "first_name": "Lee\x1b[31m",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, list)}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "no line breaks or control characters" in response.content.decode()
    court_lead.refresh_from_db()
    assert court_lead.first_name == ""


def test_the_admin_refuses_an_item_title_with_control_characters_and_a_long_one(
    admin_client, start, court
):
    item = start(court).items.get(order=11)
    url = reverse("admin:checklists_checklistitem_change", args=[item.pk])
    for title, message in (
        ("Connectivity\x00requested", "Null characters are not allowed"),
        ("Connectivity\x07requested", "no line breaks or control characters"),
        ("x" * 301, "at most 300 characters"),
    ):
        data = _admin_form_data(admin_client, url)
        data["depends_on"] = [d.pk for d in item.depends_on.all()]
        data["title"] = title
        response = admin_client.post(url, data)
        assert response.status_code == 200, title
        assert message in response.content.decode(), title
    item.refresh_from_db()
    assert item.title.startswith("CCTC connectivity requested")


def test_the_item_details_service_refuses_what_the_admin_would(start, court, superuser):
    from checklists import services

    item = start(court).items.get(order=11)
    item.description = "d" * (bounds.DESCRIPTION_MAX + 1)
    item.meeting_location = "Room\n2"
    with pytest.raises(ValidationError) as caught:
        services.item_update_details(
            item=item, by=superuser, fields=["description", "meeting_location"]
        )
    assert set(caught.value.message_dict) == {"description", "meeting_location"}
    item.due_date = datetime.date(9999, 12, 31)
    with pytest.raises(ValidationError):
        services.item_update_details(item=item, by=superuser, fields=["due_date"])

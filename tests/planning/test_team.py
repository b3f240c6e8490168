"""The team's absences and hours a week, recorded by CCPOR staff from the capacity
page: the capacity follows, bad input is shown in place (never a 500), and only
the CCPOR Team may write them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from planning import capacity
from planning.models import Absence, TeamMember
from planning.services import member_hours_set

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)  # the week of TODAY (2026-03-04)


def _trainer_capacity(today) -> float:
    cells = capacity.capacity_table(today=today, weeks=1)
    return next(c.capacity_hours for c in cells if c.role == "Trainer")


def test_staff_record_an_absence_and_the_weeks_capacity_drops(
    client, staff_user, today, frozen_today
):
    trainer = TeamMember.objects.get(role__name="Trainer")
    assert _trainer_capacity(today) == 32.0
    client.force_login(staff_user)
    page = client.get(reverse("dashboard:capacity")).content.decode()
    assert 'action="/dashboard/capacity/absences/"' in page
    assert f'action="/dashboard/capacity/people/{trainer.pk}/hours/"' in page
    response = client.post(
        reverse("dashboard:capacity_absence"),
        {
            "absence-member": trainer.pk,
            "absence-first_day": "2026-03-05",
            "absence-last_day": "2026-03-06",
            "absence-note": "Conference",
        },
    )
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert (absence.member, absence.first_day, absence.last_day) == (
        trainer,
        datetime.date(2026, 3, 5),
        datetime.date(2026, 3, 6),
    )
    assert absence.note == "Conference"
    # Two working days of five away.
    assert _trainer_capacity(today) == pytest.approx(32 * 3 / 5)
    page = client.get(reverse("dashboard:capacity")).content.decode()
    assert "Mar 5–Mar 6, 2026 (Conference)" in page


@pytest.mark.parametrize(
    "first, last, field, message",
    [
        ("2026-03-06", "2026-03-05", "last_day", "on or after the first"),
        ("1900-01-01", "1900-01-02", "first_day", "Choose a date between"),
        ("2026-03-05", "9999-12-31", "last_day", "Choose a date between"),
        ("not a date", "2026-03-05", "first_day", "Enter a valid date"),
    ],
)
def test_a_bad_absence_is_refused_in_place(
    client, staff_user, first, last, field, message
):
    trainer = TeamMember.objects.get(role__name="Trainer")
    client.force_login(staff_user)
    response = client.post(
        reverse("dashboard:capacity_absence"),
        {
            "absence-member": trainer.pk,
            "absence-first_day": first,
            "absence-last_day": last,
            "absence-note": "x",
        },
    )
    assert response.status_code == 400
    form = response.context["absence_form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert message in page and "Team capacity by week" in page
    assert not Absence.objects.exists()


def test_an_absence_note_on_two_lines_or_too_long_is_refused(client, staff_user):
    trainer = TeamMember.objects.get(role__name="Trainer")
    client.force_login(staff_user)
    for note in ("two\nlines", "x" * 201):
        response = client.post(
            reverse("dashboard:capacity_absence"),
            {
                "absence-member": trainer.pk,
                "absence-first_day": "2026-03-05",
                "absence-last_day": "2026-03-05",
                "absence-note": note,
            },
        )
        assert response.status_code == 400
        assert response.context["absence_form"].errors["note"]
    assert not Absence.objects.exists()


def test_staff_set_a_persons_hours_and_the_capacity_follows(
    client, staff_user, today, frozen_today
):
    trainer = TeamMember.objects.get(role__name="Trainer")
    client.force_login(staff_user)
    url = reverse("dashboard:capacity_hours", args=[trainer.pk])
    field = f"hours-{trainer.pk}-hours_per_week"
    response = client.post(url, {field: "20.5"})
    assert response.status_code == 302
    trainer.refresh_from_db()
    assert float(trainer.hours_per_week) == 20.5
    assert _trainer_capacity(today) == 20.5
    for bad in ("81", "-1", "abc", "", "1.25"):
        response = client.post(url, {field: bad})
        assert response.status_code == 400, bad
        page = response.content.decode()
        assert 'aria-invalid="true"' in page, bad
        assert any(form.errors for _, form in response.context["team"]), bad
    trainer.refresh_from_db()
    assert float(trainer.hours_per_week) == 20.5
    # A person who left the team, or none at all, is a 404.
    missing = reverse("dashboard:capacity_hours", args=[999999])
    assert client.post(missing, {field: "10"}).status_code == 404


def test_only_the_ccpor_team_writes_the_teams_hours(court_lead):
    trainer = TeamMember.objects.get(role__name="Trainer")
    with pytest.raises(ValidationError):
        member_hours_set(member=trainer, hours_per_week=10, by=court_lead)
    trainer.refresh_from_db()
    assert float(trainer.hours_per_week) == 32.0

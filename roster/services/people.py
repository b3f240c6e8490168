"""Adding and changing a roster person."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from ccpor_onboard.lib.bounds import validate_values

from .. import access
from ..models import RosterPerson

# The fields a person's form and a CSV row may set.
FIELDS = (
    "name",
    "email",
    "organisation",
    "ccpor_role",
    "clets_level",
    "clets_assigned_on",
    "clets_exam_on",
    "clets_certified_on",
    "clets_expires_on",
    "cjis_completed_on",
    "cjis_expires_on",
    "account_requested_on",
    "account_granted_on",
)
DATE_FIELDS = tuple(f for f in FIELDS if f.endswith("_on"))
# CLETS certification and CJIS training run on a two-year cycle.
CYCLE_YEARS = 2


def two_years_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + CYCLE_YEARS)
    except ValueError:  # February 29th
        return day.replace(year=day.year + CYCLE_YEARS, day=28)


def _complete(values: dict) -> dict:
    """Normalise a person's values: the e-mail in lower case, the expiries two
    years after the certification or training when not given."""
    values = dict(values)
    values["name"] = " ".join(str(values.get("name") or "").split())
    values["email"] = str(values.get("email") or "").strip().lower()
    for done, expires in (
        ("clets_certified_on", "clets_expires_on"),
        ("cjis_completed_on", "cjis_expires_on"),
    ):
        if values.get(done) and not values.get(expires):
            values[expires] = two_years_after(values[done])
    return values


def person_check(
    *, court, by, values: dict, person: RosterPerson | None = None
) -> RosterPerson:
    """The person as `values` would make them, validated but not saved:
    ValidationError naming each field that fails, PermissionDenied if `by` may not
    keep that organisation's people (nor the person's current one)."""
    values = _complete(values)
    if person is not None and not access.can_edit(by, court.pk, person.organisation):
        raise PermissionDenied("You may not change this person.")
    if not access.can_edit(by, court.pk, values.get("organisation", "")):
        raise PermissionDenied("You may not keep that organisation's people.")
    validate_values(RosterPerson, **{k: values.get(k) for k in FIELDS})
    candidate = person or RosterPerson(court=court)
    for name in FIELDS:
        setattr(candidate, name, values.get(name))
    candidate.full_clean(exclude=["court", "updated_by"], validate_unique=False)
    clash = RosterPerson.objects.filter(court=court, email=candidate.email)
    if candidate.pk:
        clash = clash.exclude(pk=candidate.pk)
    if clash.exists():
        raise ValidationError(
            {"email": f"{candidate.email} is already on this court's roster."}
        )
    if (
        candidate.clets_certified_on
        and candidate.clets_expires_on
        and candidate.clets_expires_on <= candidate.clets_certified_on
    ):
        raise ValidationError(
            {"clets_expires_on": "The certification expires after it is given."}
        )
    return candidate


def person_save(
    *, court, by, values: dict, person: RosterPerson | None = None, trainings=None
) -> RosterPerson:
    """Add a person to the court's roster, or change one (`person`). `trainings`
    (optional): the training sessions they attended, which must be trainings of
    the court's own checklist. Checks as `person_check`."""
    candidate = person_check(court=court, by=by, values=values, person=person)
    if trainings is not None:
        trainings = list(trainings)
        if any(
            not t.is_training or t.onboarding.court_id != court.pk for t in trainings
        ):
            raise ValidationError(
                {"trainings": "Choose training sessions of this court's checklist."}
            )
    candidate.updated_by = by
    try:
        with transaction.atomic():
            candidate.save()
            if trainings is not None:
                candidate.trainings.set(trainings)
    except IntegrityError:
        raise ValidationError(
            {"email": f"{candidate.email} is already on this court's roster."}
        ) from None
    return candidate


def training_choices(court) -> list:
    """The training sessions of the court's checklists (any onboarding), by date."""
    item_model = RosterPerson.trainings.rel.model
    return list(
        item_model.objects.filter(onboarding__court=court, is_training=True)
        .select_related("onboarding")
        .order_by("-onboarding__pk", "order")
    )


def require_keeper(by, court_id: int) -> None:
    if not access.can_edit_any(by, court_id):
        raise PermissionDenied("You may not change this court's roster.")

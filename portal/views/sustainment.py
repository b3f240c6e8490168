"""The roster after Go-Live (and before): a person leaving and their
deprovisioning, the quarterly access review, the audit packet (a printable page
and a CSV), and the roster's JSON for the court's members and CCPOR staff. None of
it depends on the onboarding being open: a closed-out court keeps its roster."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ccpor_onboard.lib.csv_sql import FORMULA_START
from ccpor_onboard.lib.dates import today_in_california
from courts.access import court_view, require
from roster import access
from roster.forms import ConfirmForm, LeftForm, StepForm
from roster.models import Deprovisioning, RosterPerson
from roster.selectors import (
    court_reviews,
    open_deprovisionings,
    quarter_end,
    quarter_of,
    roster_readiness,
)
from roster.services import deprovisioning_record, person_mark_left, review_confirm

from .roster import roster_day


def _require_keeper(user, person: RosterPerson) -> None:
    require(
        access.can_edit(user, person.court_id, person.organisation),
        "Only the keepers of this person's organisation change them.",
    )


def _back(request, court, exc: Exception | None = None):
    if exc is not None:
        text = " ".join(getattr(exc, "messages", [str(exc)]))
        messages.error(request, text)
    return redirect("portal:roster", slug=court.slug)


@court_view("POST")
def person_left(request, court, pk: int):
    person = get_object_or_404(RosterPerson, court=court, pk=pk)
    _require_keeper(request.user, person)
    form = LeftForm(request.POST)
    if not form.is_valid():
        return _back(request, court, ValidationError("Give the day they left."))
    try:
        person_mark_left(
            person=person, by=request.user, left_on=form.cleaned_data["left_on"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return _back(request, court, exc)
    messages.success(request, f"{person.name} left: deprovisioning started.")
    return _back(request, court)


@court_view("POST")
def deprovision_step(request, court, pk: int):
    deprovisioning = get_object_or_404(
        Deprovisioning.objects.select_related("person"), person__court=court, pk=pk
    )
    _require_keeper(request.user, deprovisioning.person)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _back(request, court, ValidationError("Not a step."))
    try:
        deprovisioning_record(
            deprovisioning=deprovisioning,
            step=form.cleaned_data["step"],
            by=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        return _back(request, court, exc)
    messages.success(request, "Recorded.")
    return _back(request, court)


@court_view("GET", "POST")
def access_review(request, court):
    """This quarter's access review: each present person, confirmed or not."""
    today = today_in_california()
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            person = get_object_or_404(
                RosterPerson, court=court, pk=form.cleaned_data["person"]
            )
            _require_keeper(request.user, person)
            try:
                review_confirm(
                    person=person,
                    by=request.user,
                    still_needs_access=form.cleaned_data["still_needs_access"],
                    note=form.cleaned_data["note"],
                    today=today,
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, f"Recorded for {person.name}.")
        else:
            messages.error(request, "Choose whether the person keeps access.")
        return redirect("portal:access_review", slug=court.slug)
    quarter = quarter_of(today)
    reviews = list(court_reviews(court.pk))
    current = next((r for r in reviews if r.quarter == quarter), None)
    confirmed = {c.person_id: c for c in current.confirmations.all()} if current else {}
    people = RosterPerson.objects.present().filter(court=court).order_by("name")
    editable = access.editable_organisations(request.user, court.pk)
    return render(
        request,
        "portal/access_review.html",
        {
            "court": court,
            "quarter": quarter,
            "quarter_end": quarter_end(quarter),
            "current": current,
            "rows": [
                (p, confirmed.get(p.pk), p.organisation in editable) for p in people
            ],
            "earlier": [r for r in reviews if r is not current],
            "form": ConfirmForm(),
        },
    )


def _packet(court):
    onboarding, day = roster_day(court)
    return {
        "court": court,
        "onboarding": onboarding,
        "roster": roster_readiness(court.pk, on=day),
        "reviews": list(court_reviews(court.pk)),
        "deprovisionings": list(
            Deprovisioning.objects.filter(person__court=court).select_related(
                "person", "started_by", "account_disabled_by", "clets_removed_by"
            )
        ),
        "open_deprovisionings": list(open_deprovisionings(court.pk)),
        "today": today_in_california(),
    }


@court_view("GET")
def audit_packet(request, court):
    return render(request, "portal/audit_packet.html", _packet(court))


def _d(value) -> str:
    return value.isoformat() if value else ""


@court_view("GET")
def audit_packet_csv(request, court):
    """The packet as one CSV: a line per person, then the reviews' confirmations and
    the deprovisioning, each line saying which section it is."""
    packet = _packet(court)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-packet-{court.slug}.csv"'
    )
    response.write("\ufeff")
    w = csv.writer(response)
    w.writerow(
        [
            "Section",
            "Name",
            "E-mail",
            "Organisation",
            "CCPOR role",
            "CLETS level",
            "CLETS certified on",
            "CLETS expires on",
            "CJIS on",
            "CJIS expires on",
            "Trainings",
            "Account requested on",
            "Account granted on",
            "Left on",
            "Ready",
            "Detail",
            "By",
            "When",
        ]
    )
    people = [(row.person, row.ready) for row in packet["roster"].rows]
    people += [(person, False) for person in packet["roster"].left]
    for p, ready in people:
        w.writerow(
            [
                "roster",
                _safe(p.name),
                p.email,
                p.get_organisation_display(),
                p.get_ccpor_role_display(),
                p.get_clets_level_display(),
                _d(p.clets_certified_on),
                _d(p.clets_expires_on),
                _d(p.cjis_completed_on),
                _d(p.cjis_expires_on),
                "; ".join(_safe(t.title) for t in p.trainings.all()),
                _d(p.account_requested_on),
                _d(p.account_granted_on),
                _d(p.left_on),
                "yes" if ready else "no",
                "",
                "",
                "",
            ]
        )
    for review in packet["reviews"]:
        for c in review.confirmations.all():
            detail = "keeps access" if c.still_needs_access else "access removed"
            w.writerow(
                [
                    "access review " + review.quarter.isoformat(),
                    _safe(c.person.name),
                    c.person.email,
                    *[""] * 12,
                    f"{detail}. {_safe(c.note)}".strip(),
                    str(c.confirmed_by),
                    c.confirmed_at.isoformat(),
                ]
            )
    for d in packet["deprovisionings"]:
        for words, at, by in (
            ("left; deprovisioning started", d.started_at, d.started_by),
            ("CCPOR account disabled", d.account_disabled_at, d.account_disabled_by),
            ("CLETS access removed", d.clets_removed_at, d.clets_removed_by),
        ):
            w.writerow(
                [
                    "deprovisioning",
                    _safe(d.person.name),
                    d.person.email,
                    *[""] * 12,
                    words if at else words + ": not yet",
                    str(by or ""),
                    at.isoformat() if at else "",
                ]
            )
    return response


def _safe(text: str) -> str:
    return "'" + text if text and text.startswith(FORMULA_START) else text

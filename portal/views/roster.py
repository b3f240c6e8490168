"""A court's roster: the people who will use CCPOR, their readiness, adding and
changing them, the CSV import (a preview first) and export. Every member of the
court sees it; its keepers (roster.access) change their organisation's people."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ccpor_onboard.lib.dates import today_in_california
from ccpor_onboard.lib.requests import add_service_error
from checklists.selectors import court_current_onboarding
from courts.access import court_view, require
from roster import access
from roster.forms import ImportForm, PersonForm
from roster.models import RosterPerson
from roster.selectors import expired_counts, readiness_day, roster_readiness
from roster.services import person_save, roster_import
from roster.services.imports import export_rows
from roster.services.people import training_choices


def roster_day(court):
    """The court's current onboarding (or None) and the day readiness is judged."""
    onboarding = court_current_onboarding(court)
    go_live = onboarding.go_live_date if onboarding else None
    return onboarding, readiness_day(go_live, today_in_california())


@court_view("GET")
def roster_page(request, court):
    onboarding, day = roster_day(court)
    today = today_in_california()
    return render(
        request,
        "portal/roster.html",
        {
            "court": court,
            "onboarding": onboarding,
            "roster": roster_readiness(court.pk, on=day),
            "today": today,
            "expired": expired_counts([court.pk], today=today).get(court.pk, 0),
            "can_edit": access.can_edit_any(request.user, court.pk),
            "editable": access.editable_organisations(request.user, court.pk),
        },
    )


def _person(court, pk: int) -> RosterPerson:
    return get_object_or_404(RosterPerson, court=court, pk=pk)


@court_view("GET", "POST")
def person_edit(request, court, pk: int | None = None):
    """Add a person (no `pk`) or change one."""
    person = _person(court, pk) if pk else None
    organisations = access.editable_organisations(request.user, court.pk)
    require(
        bool(organisations)
        and (person is None or person.organisation in organisations),
        "Only the court's project lead, the sheriff's office's liaison and the "
        "CCPOR Team keep the roster, each their own organisation's people.",
    )
    trainings = training_choices(court)
    form = PersonForm(
        request.POST or None,
        instance=person,
        organisations=organisations,
        trainings=trainings,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = person_save(
                court=court,
                by=request.user,
                values={k: v for k, v in data.items() if k != "trainings"},
                person=RosterPerson.objects.get(pk=person.pk) if person else None,
                trainings=data["trainings"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{saved.name} is on the roster.")
            return redirect("portal:roster", slug=court.slug)
    return render(
        request,
        "portal/roster_person.html",
        {"court": court, "person": person, "form": form},
    )


@court_view("GET", "POST")
def roster_import_page(request, court):
    require(
        access.can_edit_any(request.user, court.pk),
        "Only the roster's keepers import people.",
    )
    refusal = getattr(request, "upload_refused", "")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if refusal:
        form.add_error(None, refusal)
    elif request.method == "POST" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        result = roster_import(
            court=court,
            by=request.user,
            data=form.cleaned_data["file"].read(),
            dry_run=dry_run,
        )
        if result.saved:
            messages.success(
                request,
                f"Imported: {result.count('add')} added, "
                f"{result.count('update')} updated.",
            )
            return redirect("portal:roster", slug=court.slug)
    return render(
        request,
        "portal/roster_import.html",
        {"court": court, "form": form, "result": result},
    )


@court_view("GET")
def roster_export(request, court):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-{court.slug}.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerows(
        export_rows(RosterPerson.objects.filter(court=court).order_by("name", "pk"))
    )
    return response

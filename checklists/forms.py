from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Hidden, Layout, Row
from django import forms
from django.core.exceptions import ValidationError

from ccpor_onboard.lib.bounds import field_bounds
from ccpor_onboard.lib.dates import today_in_california
from ccpor_onboard.lib.holidays import court_closed_reason

from . import access, limits, services
from .models import ChecklistItem, GoLiveChange, Onboarding


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


# --- A Go-Live on a day the courts are closed: warned about before it is saved -------

CLOSED_DAY_OK = "closed_day_ok"


def closed_day_field() -> forms.BooleanField:
    """The box that keeps a Go-Live on a weekend or a judicial holiday."""
    return forms.BooleanField(
        label="Keep this date even though courts are closed that day",
        required=False,
        help_text="Courts are closed on weekends and California judicial holidays.",
    )


def warn_closed_day(form: forms.Form, field: str = "go_live_date") -> None:
    """Refuse, once, a Go-Live on a day California courts are closed
    (`ccpor_onboard.lib.holidays`), saying why; ticking the form's
    `closed_day_ok` box keeps it. A warning of the pages and the admin, not a rule
    of the services: a court may go live on a Saturday on purpose."""
    day = form.cleaned_data.get(field)
    if day is None or form.cleaned_data.get(CLOSED_DAY_OK):
        return
    today = today_in_california()
    if day < today or limits.go_live_too_far(day, today):
        return  # refused by the services, which say why
    reason = court_closed_reason(day)
    if reason:
        form.add_error(
            field,
            f"{day:%A, %B} {day.day}, {day:%Y} is {reason}: courts are closed. Pick "
            "a court day, or tick the box below to keep this date.",
        )


# --- A Go-Live that over-commits the CCPOR Team: warned, kept with a reason --------

CAPACITY_REASON = "capacity_reason"


def capacity_reason_field() -> forms.CharField:
    """The reason to keep a Go-Live that over-commits the CCPOR Team: asked for by
    the start and reschedule services (`go_live_window_refuse`), which name the
    weeks and roles and the nearest date that fits; recorded (planning)."""
    return forms.CharField(
        label="Reason to keep an over-committed date",
        required=False,
        max_length=limits.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed only when the date over-commits the CCPOR Team (the "
        "weeks and roles are named first); kept on record.",
    )


def warn_capacity(form: forms.Form, **window) -> None:
    """The services' capacity check, on a form before it saves (the admin's): the
    problems on the reason's field until a reason is given."""
    problems = services.go_live_window_problems(today=today_in_california(), **window)
    try:
        services.go_live_window_refuse(
            problems, form.cleaned_data.get(CAPACITY_REASON, "")
        )
    except ValidationError as exc:
        form.add_error(CAPACITY_REASON, exc.message_dict[CAPACITY_REASON])


class OnboardingStartForm(forms.ModelForm):
    """Start an onboarding (admin "add"): validated by the start service's own rules."""

    closed_day_ok = closed_day_field()
    capacity_reason = capacity_reason_field()

    class Meta:
        model = Onboarding
        fields = [
            "court",
            "template",
            "go_live_date",
            "court_enters_carpos",
            "so_participates",
        ]
        widgets = {"go_live_date": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].required = False
        self.fields[
            "template"
        ].help_text = "Leave empty for the newest active template."
        self.fields["template"].queryset = self.fields["template"].queryset.filter(
            is_active=True
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        services.onboarding_start_validate(
            court=data["court"],
            go_live_date=data["go_live_date"],
            template=data.get("template") or services.default_template(),
            today=today_in_california(),
        )
        warn_closed_day(self)
        warn_capacity(
            self,
            onboarding=None,
            template=data.get("template") or services.default_template(),
            court_enters_carpos=data["court_enters_carpos"],
            so_participates=data["so_participates"],
            go_live_date=data["go_live_date"],
        )
        return data

    def _post_clean(self):
        # The constraint check belongs to the service; skip ModelForm's own.
        pass


class OnboardingChangeForm(forms.ModelForm):
    """Change an onboarding (admin): a new Go-Live date needs a reason and goes through
    the reschedule service. The status is not a field: it moves only through the
    Go-Live services (`golive.services`), so a POST that names it changes nothing."""

    reason = forms.CharField(
        label="Reason for moving Go-Live",
        required=False,
        **field_bounds(GoLiveChange, "reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the Go-Live date changes; kept in the change log.",
    )

    closed_day_ok = closed_day_field()
    capacity_reason = capacity_reason_field()
    # Optimistic locking: the version the form was opened on (as on the pages).
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Onboarding
        fields = [
            "go_live_date",
            "reason",
            "closed_day_ok",
            "capacity_reason",
            "expected_version",
        ]
        widgets = {"go_live_date": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        current = Onboarding.objects.get(pk=self.instance.pk)
        try:
            services.onboarding_check_version(
                onboarding=current, expected_version=data["expected_version"]
            )
        except services.StaleEditError as exc:
            raise ValidationError(str(exc)) from exc
        if data["go_live_date"] != current.go_live_date:
            try:
                services.onboarding_reschedule_validate(
                    onboarding=current,
                    go_live_date=data["go_live_date"],
                    reason=data.get("reason", ""),
                    today=today_in_california(),
                )
            except ValidationError as exc:
                # The services name "reason"; so does this form.
                raise ValidationError(exc.message_dict) from exc
            warn_closed_day(self)
            warn_capacity(
                self,
                onboarding=current,
                template=current.template,
                court_enters_carpos=current.court_enters_carpos,
                so_participates=current.so_participates,
                go_live_date=data["go_live_date"],
            )
        return data

    def _post_clean(self):
        pass


class ChecklistItemDetailsForm(forms.ModelForm):
    """Administrators correct an item's details; its status has its own service.
    A form opened on an older version of the item is refused (optimistic locking,
    as on the pages)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    info_url = forms.URLField(
        label="Information page",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A public page the item points the court to.",
    )

    class Meta:
        model = ChecklistItem
        fields = [
            "title",
            "description",
            "phase",
            "actor",
            "kind",
            "due_date",
            "is_readiness_gate",
            "evidence_required",
            "internal_only",
            "is_training",
            "grants_ccpor_access",
            "info_url",
            "owner",
            "depends_on",
        ]
        widgets = {"due_date": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["expected_version"].required = True
            self.fields["depends_on"].queryset = ChecklistItem.objects.filter(
                onboarding_id=self.instance.onboarding_id
            ).exclude(pk=self.instance.pk)
        self.fields["owner"].help_text = (
            "A member of the item's actor's organisation at this court (not a "
            "viewer), or CCPOR staff for a CCPOR Team item."
        )

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("expected_version") is not None:
            try:
                services.item_check_version(
                    item=self.instance, expected_version=data["expected_version"]
                )
            except services.StaleEditError as exc:
                raise ValidationError(str(exc)) from exc
        onboarding = data.get("onboarding") or (
            self.instance.onboarding if self.instance.onboarding_id else None
        )
        if onboarding is not None:
            # The services' rules, checked here too so the admin shows them as
            # errors: nothing changes on a read-only onboarding, and a running
            # one's plan changes only by a recorded re-plan.
            current = Onboarding.objects.get(pk=onboarding.pk)
            services.onboarding_ensure_writable(current)
            services.ensure_plan_unchanged(current, fields=self.changed_data)
        due = data.get("due_date")
        if onboarding is not None and due is not None:
            problem = limits.due_date_out_of_range(due, onboarding.go_live_date)
            if problem:
                self.add_error("due_date", problem)
        owner, actor = data.get("owner"), data.get("actor")
        if owner is not None and actor and onboarding is not None:
            # The owner rule (checklists.access), for the actor the form sets.
            item = ChecklistItem(onboarding=onboarding, actor=actor)
            refusal = access.owner_refusal(item, owner, actor=actor)
            if refusal:
                self.add_error("owner", refusal)
        return data


# --- The portal ---------------------------------------------------------------------


class ItemStatusForm(forms.Form):
    """Change an item's status and note; the rules are `services.item_set_status`'s."""

    status = forms.ChoiceField(choices=ChecklistItem.Status.choices)
    reason = forms.CharField(
        label="Reason (required when blocked) or justification (required for N/A)",
        required=False,
        **field_bounds(ChecklistItem, "blocked_reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        required=False,
        **field_bounds(ChecklistItem, "note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Replaces the item's note; leave empty to keep the current one.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_item(cls, item: ChecklistItem, **kwargs) -> "ItemStatusForm":
        """A form holding the item's current values, to edit from."""
        reason = item.blocked_reason or item.na_justification
        return cls(
            initial={
                "status": item.status,
                "reason": reason,
                "expected_version": item.version,
            },
            # Rows of the court page each hold one: keep their ids apart.
            auto_id=f"id_item{item.pk}_%s" if kwargs.pop("inline", False) else "id_%s",
            **kwargs,
        )


class ItemVersionForm(forms.Form):
    """Verify an item: only the version the person was looking at."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class ItemReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen it?",
        **field_bounds(ChecklistItem, "blocked_reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Shown on the item page beside the status form, which has fields of the
        # same names: ids of its own (id_reopen_reason), the same field names.
        kwargs.setdefault("auto_id", "id_reopen_%s")
        super().__init__(*args, **kwargs)


class ItemOwnerForm(forms.Form):
    """Name the item's owner among those who may own it."""

    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=None,
        required=False,
        empty_label="Nobody yet",
        help_text="The person who sees this item through; they are told by e-mail.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, item: ChecklistItem, **kwargs):
        kwargs.setdefault(
            "initial", {"owner": item.owner_id, "expected_version": item.version}
        )
        kwargs.setdefault("auto_id", "id_owner_%s")  # unique ids on the item page
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.owner_candidates(item)


class BulkStatusForm(forms.Form):
    """Set one status on the items ticked on the court page."""

    items = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    status = forms.ChoiceField(
        label="New status for the selected items",
        choices=[("", "Choose a status…"), *ChecklistItem.Status.choices],
    )
    reason = forms.CharField(
        label="Reason or justification (blocked / N/A)",
        required=False,
        **field_bounds(ChecklistItem, "blocked_reason"),
    )

    def __init__(self, *args, item_pks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(pk, pk) for pk in item_pks]
        self.fields["items"].error_messages["required"] = (
            "Tick at least one item to update."
        )

    @classmethod
    def for_page(cls, *, action: str, next_url: str) -> "BulkStatusForm":
        """The unbound form of the court page, rendered by crispy-forms; the item
        boxes sit in the checklist's rows (form="bulk-form")."""
        form = cls()
        form.helper = FormHelper()
        form.helper.form_id = "bulk-form"
        form.helper.form_action = action
        form.helper.form_class = "bulk-form card card-body bg-body-tertiary mb-3"
        form.helper.layout = Layout(
            Hidden("next", next_url),
            Fieldset(
                "Update several items at once",
                HTML(
                    '<p class="small text-body-secondary mb-2">Tick items in the '
                    "list (only those you may update have a box), choose a status "
                    "and apply. Each item follows the usual rules; the page then "
                    "says which were refused and why.</p>"
                ),
                Row(
                    Column("status", css_class="col-sm-4"),
                    Column("reason", css_class="col-sm-5"),
                    Column(
                        StrictButton(
                            "Apply to selected items",
                            type="submit",
                            css_class="btn-sm btn-primary w-100 mb-3",
                        ),
                        css_class="col-sm-3 align-self-end",
                    ),
                ),
            ),
        )
        return form

    def expected_versions(self) -> dict[int, int]:
        """The version of each ticked item as the page showed it (hidden `v<pk>`)."""
        versions = {}
        for pk in self.cleaned_data["items"]:
            try:
                versions[pk] = int(self.data.get(f"v{pk}", ""))
            except ValueError:
                continue
        return versions

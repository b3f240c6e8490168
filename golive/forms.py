"""Forms of the Go-Live pages: they parse input; the rules are the services'."""

from django import forms
from django.contrib.auth import get_user_model

from ccpor_onboard.lib.bounds import field_bounds
from checklists.forms import (
    DateInput,
    capacity_reason_field,
    closed_day_field,
    warn_closed_day,
)
from courts.access import ccpor_staff_users

from .models import (
    FollowUp,
    GoNoGoDecision,
    Incident,
    IncidentEvent,
    SignOff,
    SignOffKind,
    SignOffRequest,
    SignOffRole,
    Transition,
)


class ReasonForm(forms.Form):
    """Undo live, cancel, reopen: the reason is kept with the transition. `label`
    names the action it is the reason for ("Why cancel the onboarding?"), since the
    page holds several."""

    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the onboarding's lifecycle history.",
        **field_bounds(Transition, "reason"),
    )

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


def _confirm_field() -> forms.BooleanField:
    return forms.BooleanField(
        label="I confirm",
        required=True,
        error_messages={"required": "Tick the box to confirm; nothing was changed."},
    )


class ConfirmForm(forms.Form):
    """Mark live or close: steps not taken back lightly, so the person ticks that
    they mean it (no JavaScript needed; the server checks it). `label` says what
    they confirm."""

    confirm = _confirm_field()

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["confirm"].label = label


class CancelForm(ReasonForm):
    """Cancel: a reason, and the box that confirms it."""

    confirm = _confirm_field()

    def __init__(self, *args, confirm_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if confirm_label:
            self.fields["confirm"].label = confirm_label


class GoNoGoForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=GoNoGoDecision.Decision.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for a no-go or a postponement.",
        **field_bounds(GoNoGoDecision, "reason"),
    )
    new_go_live_date = forms.DateField(
        label="New Go-Live date (postponement)",
        required=False,
        widget=DateInput,
        help_text="Every open item moves by the same number of days.",
    )
    closed_day_ok = closed_day_field()
    capacity_reason = capacity_reason_field()

    def clean(self):
        data = super().clean()
        warn_closed_day(self, "new_go_live_date")
        return data


# What a signer is offered to sign, by kind and role: the usual words of each line,
# which they may change. {court} is the court in a sentence.
SUGGESTED_STATEMENTS = {
    (SignOffKind.ACCEPTANCE, SignOffRole.EXECUTIVE_OFFICER): (
        "As the court executive officer, I accept {court}'s CCPOR acceptance "
        "testing: the court's tests passed and it is ready to go live."
    ),
    (SignOffKind.ACCEPTANCE, SignOffRole.SO_LIAISON): (
        "As the sheriff's office liaison, I accept the CCPOR acceptance testing for "
        "{court}: the sheriff's office's tests passed and it is ready to go live."
    ),
    (SignOffKind.ACCEPTANCE, SignOffRole.CCPOR): (
        "For the CCPOR Team, I accept {court}'s acceptance testing: the Test Plan's "
        "acceptance criteria are met."
    ),
    (SignOffKind.CLOSE_OUT, SignOffRole.EXECUTIVE_OFFICER): (
        "As the court executive officer, I approve the close-out of {court}'s CCPOR "
        "onboarding: the court works in CCPOR and nothing agreed is left open."
    ),
    (SignOffKind.CLOSE_OUT, SignOffRole.SO_LIAISON): (
        "As the sheriff's office liaison, I approve the close-out of the CCPOR "
        "onboarding for {court}: nothing agreed for the sheriff's office is left "
        "open."
    ),
    (SignOffKind.CLOSE_OUT, SignOffRole.CCPOR): (
        "For the CCPOR Team, I approve the close-out of {court}'s CCPOR onboarding."
    ),
}


def suggested_statement(*, kind: str, role: str, court) -> str:
    """The words a signer of this line is offered (they may change them)."""
    wording = SUGGESTED_STATEMENTS.get((kind, role), "")
    return wording.format(court=court.everyday_name)


class SignOffGiveForm(forms.Form):
    kind = forms.ChoiceField(choices=SignOffKind.choices, widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=SignOffRole.choices, widget=forms.HiddenInput)
    statement = forms.CharField(
        label="Statement",
        **field_bounds(SignOff, "statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "What you sign: the usual words are suggested; change them as you need. "
            "Once signed it is never edited."
        ),
    )


class SignOffRevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why revoke it?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the signature, which stays on record.",
        # What is typed: the record keeps room for the CCPOR Team's line revoked
        # with it (SignOff.revoke_reason).
        **field_bounds(Transition, "reason"),
    )


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class SignOffAskForm(forms.Form):
    """Ask one of the court's holders of the line's role: only they are offered and
    accepted, so a refusal never names someone of another court."""

    kind = forms.ChoiceField(choices=SignOffKind.choices, widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=SignOffRole.choices, widget=forms.HiddenInput)
    asked = HolderChoiceField(
        label="Ask",
        queryset=get_user_model().objects.none(),
        empty_label="Choose the person…",
        error_messages={
            "invalid_choice": "Choose one of the people who hold this role here."
        },
    )
    message = forms.CharField(
        label="Message (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **field_bounds(SignOffRequest, "message"),
    )

    def __init__(self, *args, holders: list, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["asked"]
        field.queryset = get_user_model().objects.filter(
            pk__in=[person.pk for person in holders]
        )
        # Offered from the list already read (no query per line of the page).
        field.choices = [("", field.empty_label)] + [
            (person.pk, field.label_from_instance(person)) for person in holders
        ]


def _severity_choices():
    return [
        (
            value,
            f"{label} (first response within {Incident.RESPONSE_TARGETS[value].label})",
        )
        for value, label in Incident.Severity.choices
    ]


class IncidentReportForm(forms.Form):
    title = forms.CharField(label="Title", **field_bounds(Incident, "title"))
    description = forms.CharField(
        label="What happens",
        widget=forms.Textarea(attrs={"rows": 5}),
        **field_bounds(Incident, "description"),
        help_text=(
            "Steps, error messages, who is affected, since when. Never protective-"
            "order data: no order images, party names, dates of birth or CLETS "
            "messages."
        ),
    )
    severity = forms.ChoiceField(
        label="Severity", choices=_severity_choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(
        label="Category",
        choices=Incident.Category.choices,
        initial=Incident.Category.OTHER,
        help_text="“Other” if none fits: the CCPOR Team files it.",
    )


class IncidentFollowUpForm(forms.Form):
    """The reporter's follow-up: the note, and which button was pressed (add
    information; or confirm the fix, or reopen it)."""

    action = forms.ChoiceField(choices=FollowUp.choices)
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **field_bounds(IncidentEvent, "note"),
    )


class IncidentUpdateForm(forms.Form):
    """The CCPOR Team's response: status, owner, severity, note, resolution."""

    status = forms.ChoiceField(label="Status", choices=Incident.Status.choices)
    owner = forms.ModelChoiceField(
        label="Owner (CCPOR Team)",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Nobody yet (the first responder becomes the owner)",
    )
    severity = forms.ChoiceField(label="Severity", choices=Incident.Severity.choices)
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the incident's history; required to reopen it.",
        **field_bounds(IncidentEvent, "note"),
    )
    resolution = forms.CharField(
        label="Resolution",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to resolve it.",
        **field_bounds(Incident, "resolution"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = ccpor_staff_users().order_by(
            "first_name", "username"
        )

    @classmethod
    def for_incident(cls, incident: Incident) -> "IncidentUpdateForm":
        return cls(
            initial={
                "status": incident.status,
                "owner": incident.owner_id,
                "severity": incident.severity,
                "resolution": incident.resolution,
            }
        )

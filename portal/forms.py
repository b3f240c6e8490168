"""Forms of the court portal's pages."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Layout
from django import forms

from accounts.models import User
from ccpor_onboard.lib.bounds import field_bounds
from checklists import limits
from checklists.forms import (
    DateInput,
    capacity_reason_field,
    closed_day_field,
    warn_closed_day,
)
from checklists.models import ChecklistItem, ChecklistTemplate, GoLiveChange
from courts.models import Membership, role_refusal


class CourtItemFilterForm(forms.Form):
    """The court page's checklist filters, in one line (crispy-forms renders it)."""

    owned = forms.BooleanField(label="My items", required=False)
    mine = forms.BooleanField(label="My organisation's items", required=False)
    open = forms.BooleanField(label="Open only", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args, my_actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if my_actor:
            self.fields["mine"].label += f" ({my_actor.label})"
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = (
            "filters d-flex flex-wrap align-items-center gap-3 mb-3"
        )
        self.helper.attrs = {"aria-label": "Filter the checklist"}
        self.helper.layout = Layout(
            *[Field(name, wrapper_class="mb-0") for name in self.fields],
            StrictButton(
                "Apply filters", type="submit", css_class="btn-sm btn-secondary"
            ),
            HTML(
                '{% if filtered %}<a href="{{ court.get_absolute_url }}" '
                'class="btn btn-sm btn-link">Show all items</a>{% endif %}'
                '<span class="text-body-secondary small" role="status">'
                "{{ items|length }} item{{ items|length|pluralize }} shown</span>"
            ),
        )


class RescheduleForm(forms.Form):
    # Bounded by the reschedule service (from today to ten years ahead).
    go_live_date = forms.DateField(label="New Go-Live date", widget=DateInput)
    closed_day_ok = closed_day_field()
    reason = forms.CharField(
        label="Reason for the move",
        **field_bounds(GoLiveChange, "reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the change log and shown to the court.",
    )
    capacity_reason = capacity_reason_field()

    def clean(self):
        data = super().clean()
        warn_closed_day(self)
        return data


class ReplanForm(forms.Form):
    reason = forms.CharField(
        label="Why re-plan now?",
        max_length=limits.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the record of the re-plan.",
    )


class ProcessingModelForm(forms.Form):
    court_enters_carpos = forms.BooleanField(
        label="The court enters order data into CARPOS",
        required=False,
        help_text="Adds the DOJ registration, approval and CLETS certification items.",
    )
    so_participates = forms.BooleanField(
        label="The sheriff's office participates",
        required=False,
        help_text="Adds the SO secure-channel item.",
    )


class OnboardingStartForm(forms.Form):
    """Start a court's onboarding from its court page (CCPOR staff); the rules are
    `checklists.services.onboarding_start`'s."""

    template = forms.ModelChoiceField(
        label="Checklist template",
        queryset=ChecklistTemplate.objects.filter(is_active=True),
        required=False,
        empty_label="The newest active template",
    )
    # Bounded by the start service (from today to ten years ahead).
    go_live_date = forms.DateField(label="Go-Live date", widget=DateInput)
    closed_day_ok = closed_day_field()
    court_enters_carpos = forms.BooleanField(
        label="The court enters order data into CARPOS",
        required=False,
        help_text="Adds the DOJ registration, approval and CLETS certification items.",
    )
    so_participates = forms.BooleanField(
        label="The sheriff's office participates",
        required=False,
        help_text="Adds the SO secure-channel item and the SO liaison's sign-offs.",
    )
    capacity_reason = capacity_reason_field()

    def clean(self):
        data = super().clean()
        warn_closed_day(self)
        return data


class InviteForm(forms.Form):
    """Invite a person to a court's onboarding (CCPOR staff). A link may suggest
    the organisation and the role (?organisation=so&role=liaison), for a sign-off
    nobody holds yet."""

    email = forms.EmailField(label="E-mail")
    first_name = forms.CharField(label="First name", **field_bounds(User, "first_name"))
    last_name = forms.CharField(label="Last name", **field_bounds(User, "last_name"))
    organisation = forms.ChoiceField(
        choices=Membership.Organisation.choices,
        help_text="Court members update the Court's items; sheriff's office members "
        "the Sheriff's Office's.",
    )
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        initial=Membership.Role.PROJECT_LEAD,
        help_text="Viewers read and comment; the other roles also update items and "
        "get the 60- and 30-day reminders. The executive officer is the Court's "
        "(they sign for it); the liaison is the Sheriff's Office's.",
    )

    @classmethod
    def suggested(cls, query) -> dict:
        """The organisation and role a link suggests, where they are real choices
        that go together; nothing otherwise."""
        organisation, role = query.get("organisation"), query.get("role")
        if (
            organisation in Membership.Organisation.values
            and role in Membership.Role.values
            and not role_refusal(organisation, role)
        ):
            return {"organisation": organisation, "role": role}
        return {}

    def clean(self):
        data = super().clean()
        # The service refuses too (every path); here the error sits on the field.
        refusal = role_refusal(data.get("organisation"), data.get("role"))
        if refusal:
            self.add_error("role", refusal)
        return data


class EmailAnswerForm(forms.Form):
    """The confirmation of a one-click answer from a mail (portal.views.
    email_answers): what the answer needs, for `action` on `item`. The rules
    are the services' (item status, evidence)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action: str, needs_evidence: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if action == "blocked":
            self.fields["reason"] = forms.CharField(
                label="What is blocking it?",
                **field_bounds(ChecklistItem, "blocked_reason"),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if action == "done" and needs_evidence:
            self.fields["file"] = forms.FileField(
                label="Evidence document",
                help_text="This item needs its document before it can be done: PDF, "
                "Word (DOCX), Excel (XLSX), PNG or JPEG; at most 10 MB.",
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}
                ),
            )
        if action in ("done", "note"):
            self.fields["note"] = forms.CharField(
                label="Note" if action == "note" else "Note (optional)",
                required=action == "note",
                **field_bounds(ChecklistItem, "note"),
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Replaces the item's note.",
            )

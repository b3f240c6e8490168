"""Forms of the dashboard's pages (the portfolio's filters are in filters.py)."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms

from ccpor_onboard.lib.bounds import REASON_MAX
from checklists.models import Actor
from golive.models import Incident
from planning.capacity import DEFAULT_WEEKS, MAX_WEEKS
from planning.models import Absence, TeamMember

from .selectors import BLOCKING_ACTORS, OVERDUE_GROUPINGS


class OverdueFilterForm(forms.Form):
    """How the overdue list is grouped (links) and whose items it shows (a select)."""

    group = forms.ChoiceField(
        choices=[(g, g) for g in OVERDUE_GROUPINGS],
        required=False,
        widget=forms.HiddenInput,
    )
    actor = forms.ChoiceField(
        label="Actor",
        choices=[("", "Every actor"), *[(a.value, a.label) for a in BLOCKING_ACTORS]],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "d-flex gap-2 align-items-end"
        self.helper.layout = Layout(
            "group",
            Field("actor", wrapper_class="mb-0"),
            StrictButton("Show", type="submit", css_class="btn-primary btn-sm"),
        )

    def choice(self) -> tuple[str, Actor | None]:
        """The grouping ("actor" by default) and the actor, ignoring nonsense."""
        self.is_valid()  # cleaned_data keeps the fields that were understood
        data = self.cleaned_data
        group = data.get("group") or "actor"
        actor = data.get("actor") or None
        return group, Actor(actor) if actor else None


class IncidentFilterForm(forms.Form):
    """The CCPOR Team's incident list: which status, severity, past target only."""

    STATUS_CHOICES = [
        ("unresolved", "Unresolved (open or investigating)"),
        *Incident.Status.choices,
        ("all", "Every status"),
    ]

    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    severity = forms.ChoiceField(
        label="Severity",
        choices=[("", "Every severity"), *Incident.Severity.choices],
        required=False,
    )
    past_target = forms.BooleanField(
        label="Past the response target only", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "d-flex flex-wrap gap-2 align-items-end mb-3"
        self.helper.attrs = {"aria-label": "Filter the incidents"}
        self.helper.layout = Layout(
            Field("status", wrapper_class="mb-0"),
            Field("severity", wrapper_class="mb-0"),
            Field("past_target", wrapper_class="mb-0"),
            StrictButton("Show", type="submit", css_class="btn-primary btn-sm"),
        )

    def choice(self) -> dict:
        """The filters understood (unresolved incidents by default)."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or "unresolved"
        return {
            "status": "" if status == "all" else status,
            "severity": data.get("severity") or "",
            "past_target": bool(data.get("past_target")),
        }


class CapacityWeeksForm(forms.Form):
    """How many weeks the capacity view shows (1 to 52; 12 unless asked)."""

    weeks = forms.IntegerField(
        label="Weeks shown", min_value=1, max_value=MAX_WEEKS, required=False
    )

    def weeks_shown(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("weeks"):
            return self.cleaned_data["weeks"]
        return DEFAULT_WEEKS


class LeadTimeAcceptForm(forms.Form):
    order = forms.IntegerField(min_value=1, max_value=32767, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why accept it",
        required=False,
        max_length=REASON_MAX,
        widget=forms.TextInput,
    )


class AbsenceForm(forms.ModelForm):
    """A team member's absence, from the capacity page (its bounds are the
    model's; planning.services.absence_record writes it)."""

    class Meta:
        model = Absence
        fields = ["member", "first_day", "last_day", "note"]
        labels = {
            "member": "Who",
            "first_day": "First day away",
            "last_day": "Last day away",
            "note": "Note (optional)",
        }
        widgets = {
            "first_day": forms.DateInput(attrs={"type": "date"}),
            "last_day": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, prefix="absence", **kwargs)
        field = self.fields["member"]
        field.queryset = TeamMember.objects.filter(is_active=True).select_related(
            "role"
        )
        if members is not None:
            # The page lists the team already: its choices need no second query.
            field.choices = [("", "---------")] + [(m.pk, str(m)) for m in members]

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "The last day comes on or after the first.")
        return data


class MemberHoursForm(forms.ModelForm):
    """A team member's hours a week, one small form per person on the capacity
    page (planning.services.member_hours_set writes it)."""

    class Meta:
        model = TeamMember
        fields = ["hours_per_week"]
        labels = {"hours_per_week": "Hours a week"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix=f"hours-{kwargs['instance'].pk}", **kwargs)

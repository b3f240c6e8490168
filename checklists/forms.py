from django import forms
from django.core.exceptions import ValidationError

from ccpor_onboard.lib.dates import today

from . import services
from .models import ChecklistItem, Onboarding


class DateInput(forms.DateInput):
    input_type = "date"


class OnboardingStartForm(forms.ModelForm):
    """Start an onboarding (admin "add"): validated by the start service's own rules."""

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
            today=today(),
        )
        return data

    def _post_clean(self):
        # The constraint check belongs to the service; skip ModelForm's own.
        pass


class OnboardingChangeForm(forms.ModelForm):
    """Change an onboarding (admin): a new Go-Live date needs a reason and goes through
    the reschedule service; a status change goes through the status service."""

    reason = forms.CharField(
        label="Reason for moving Go-Live",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the Go-Live date changes; kept in the change log.",
    )

    class Meta:
        model = Onboarding
        fields = ["go_live_date", "reason", "status"]
        widgets = {"go_live_date": DateInput}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        current = Onboarding.objects.get(pk=self.instance.pk)
        try:
            if data["go_live_date"] != current.go_live_date:
                services.onboarding_reschedule_validate(
                    onboarding=current,
                    go_live_date=data["go_live_date"],
                    reason=data.get("reason", ""),
                    today=today(),
                )
            if data["status"] != current.status:
                services.onboarding_set_status_validate(
                    onboarding=current, status=data["status"]
                )
        except ValidationError as exc:
            # The services name "reason"; so does this form.
            raise ValidationError(exc.message_dict) from exc
        return data

    def _post_clean(self):
        pass


class ChecklistItemDetailsForm(forms.ModelForm):
    """Administrators correct an item's details; its status has its own service."""

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
            "depends_on",
        ]
        widgets = {"due_date": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["depends_on"].queryset = ChecklistItem.objects.filter(
                onboarding_id=self.instance.onboarding_id
            ).exclude(pk=self.instance.pk)

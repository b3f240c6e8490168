"""The roster's forms: they read input; the services (roster.services) decide."""

from django import forms

from ccpor_onboard.lib.bounds import field_bounds

from .models import ReviewConfirmation, RosterPerson
from .services.imports import MAX_UPLOAD_BYTES
from .services.people import FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class PersonForm(forms.ModelForm):
    """A person's details and the training sessions they attended; the
    organisations offered are those the user keeps."""

    class Meta:
        model = RosterPerson
        fields = [*FIELDS, "trainings"]
        widgets = {name: DateInput for name in FIELDS if name.endswith("_on")}

    def __init__(self, *args, organisations, trainings, **kwargs):
        super().__init__(*args, **kwargs)
        org = self.fields["organisation"]
        org.choices = [c for c in org.choices if c[0] in organisations]
        self.fields[
            "trainings"
        ].queryset = RosterPerson.trainings.rel.model.objects.filter(
            pk__in=[t.pk for t in trainings]
        )
        self.fields["trainings"].widget = forms.CheckboxSelectMultiple()
        self.fields["trainings"].required = False
        self.fields["trainings"].label_from_instance = lambda t: (
            f"{t.order}. {t.title}"
            + (f" ({t.meeting_starts_at:%b %-d, %Y})" if t.meeting_starts_at else "")
        )

    def validate_unique(self):
        pass  # the service checks it, with its own words


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Roster CSV file",
        help_text=f"UTF-8 CSV, at most {MAX_UPLOAD_BYTES // 1024} KB.",
    )
    dry_run = forms.BooleanField(
        label="Preview only (save nothing)", required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size // 1024} KB; a roster may be at most "
                f"{MAX_UPLOAD_BYTES // 1024} KB."
            )
        return upload


class LeftForm(forms.Form):
    left_on = forms.DateField(label="Left on", widget=DateInput)


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=[("account", "account"), ("clets", "clets")])


class ConfirmForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    still_needs_access = forms.TypedChoiceField(
        label="Still needs CCPOR access",
        choices=[("yes", "Yes, keep access"), ("no", "No, remove access")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        **field_bounds(ReviewConfirmation, "note"),
    )

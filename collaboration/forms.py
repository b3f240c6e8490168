"""Forms of what people add around an item: evidence, comments, meetings and the
CCPOR Team's documents."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from ccpor_onboard.lib.bounds import field_bounds, validate_date_in_window
from checklists.forms import DateInput, TimeInput
from checklists.models import ChecklistItem

from . import services
from .models import Comment, TeamDocument


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label="Document",
        help_text="PDF, Word (DOCX), Excel (XLSX), PNG or JPEG; at most 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}
        ),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        **field_bounds(Comment, "body"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mention someone with @ and their user name (e.g. @alameda.lead) "
        "to e-mail them; @ccpor reaches the CCPOR Team. The item's owner is told "
        "of every comment.",
    )


class MeetingForm(forms.Form):
    """A meeting's or training's date, times (California time), place, attendees
    and minutes; the times become aware datetimes for the service."""

    date = forms.DateField(
        widget=DateInput, required=False, validators=[validate_date_in_window]
    )
    starts = forms.TimeField(label="Starts", widget=TimeInput, required=False)
    ends = forms.TimeField(label="Ends", widget=TimeInput, required=False)
    location = forms.CharField(
        label="Place or link",
        **field_bounds(ChecklistItem, "meeting_location"),
        required=False,
        help_text="A room and address, or the video-call link.",
    )
    attendees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        **field_bounds(ChecklistItem, "meeting_attendees"),
    )
    minutes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        **field_bounds(ChecklistItem, "meeting_minutes"),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_meeting_%s")  # unique ids on the item page
        super().__init__(*args, **kwargs)

    @classmethod
    def for_item(cls, item: ChecklistItem) -> "MeetingForm":
        initial = {
            "location": item.meeting_location,
            "attendees": item.meeting_attendees,
            "minutes": item.meeting_minutes,
            "expected_version": item.version,
        }
        if item.meeting_starts_at:
            starts = timezone.localtime(item.meeting_starts_at)
            initial.update(date=starts.date(), starts=starts.time())
        if item.meeting_ends_at:
            initial["ends"] = timezone.localtime(item.meeting_ends_at).time()
        return cls(initial=initial)

    def clean(self):
        data = super().clean()
        date, starts, ends = data.get("date"), data.get("starts"), data.get("ends")
        if self.errors:
            return data
        if date is None and (starts or ends):
            self.add_error("date", "Give the date of the meeting.")
        elif date is not None and starts is None:
            self.add_error("starts", "Give the time the meeting starts.")
        elif date is not None and ends is None:
            self.add_error("ends", "Give the time the meeting ends.")

        def aware(time):
            if date is None or time is None:
                return None
            return timezone.make_aware(datetime.datetime.combine(date, time))

        data["starts_at"], data["ends_at"] = aware(starts), aware(ends)
        return data


class TeamDocumentForm(forms.Form):
    """A CCPOR Team document (or a new version of one) for the item's template."""

    title = forms.CharField(
        **field_bounds(TeamDocument, "title"),
        help_text="To replace a document, use its title: the new version becomes "
        "the current one and the old one stays listed.",
    )
    version = forms.CharField(
        **field_bounds(TeamDocument, "version"), help_text="e.g. 2.1"
    )
    document_date = forms.DateField(
        label="Date of the document",
        widget=DateInput,
        **field_bounds(TeamDocument, "document_date"),
    )
    file = forms.FileField(
        label="Document",
        help_text="PDF, Word (DOCX), Excel (XLSX), PNG or JPEG; at most 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_document_%s")  # unique ids on the item page
        super().__init__(*args, **kwargs)


class TeamDocumentAdminForm(forms.ModelForm):
    """Add a CCPOR Team document in the admin: the upload service's checks apply."""

    class Meta:
        model = TeamDocument
        fields = ["template_item", "title", "version", "document_date", "file"]
        widgets = {"document_date": DateInput}

    def clean_file(self):
        file = self.cleaned_data["file"]
        try:
            services.evidence_validate(file=file)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return file

    def clean(self):
        data = super().clean()
        if not self.errors:
            services.team_document_validate(
                template_item=data["template_item"],
                title=data["title"],
                version=data["version"],
                document_date=data["document_date"],
            )
        return data

    def _post_clean(self):
        # The service stores the file; its checks ran in clean().
        pass

"""Forms of the court portal's pages."""

from django import forms

from checklists.forms import DateInput


class CourtItemFilterForm(forms.Form):
    mine = forms.BooleanField(label="My organisation's items", required=False)
    open = forms.BooleanField(label="Open only", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)


class RescheduleForm(forms.Form):
    go_live_date = forms.DateField(label="New Go-Live date", widget=DateInput)
    reason = forms.CharField(
        label="Reason for the move",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the change log and shown to the court.",
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

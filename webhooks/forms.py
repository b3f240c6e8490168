from django import forms

from ccpor_onboard.lib.bounds import field_bounds
from courts.models import Court

from .models import Endpoint, Event


class EndpointForm(forms.Form):
    """The staff page's form; the rules are the service's (endpoint_add)."""

    name = forms.CharField(**field_bounds(Endpoint, "name"))
    url = forms.URLField(
        label="URL", assume_scheme="https", **field_bounds(Endpoint, "url")
    )
    secret = forms.CharField(
        **field_bounds(Endpoint, "secret"),
        min_length=16,
        widget=forms.PasswordInput(render_value=False),
        help_text="At least 16 characters; the receiver checks each body with it.",
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )
    format = forms.ChoiceField(choices=Endpoint.Format.choices)
    court = forms.ModelChoiceField(
        queryset=Court.objects.order_by("name"),
        required=False,
        empty_label="Every court",
        help_text="One court's endpoint receives only that court's events, never "
        "the CCPOR Team's internal items.",
    )


class EndpointActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("pause", "Pause"), ("resume", "Resume"), ("remove", "Remove")]
    )

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from ccpor_onboard.lib.bounds import field_bounds

from .models import User


class _Part(forms.Form):
    """A form that is one part of a page's <form> (the page holds the tag)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ContactDetailsForm(_Part):
    """What the person's courts see of them besides their name and e-mail."""

    phone = forms.CharField(
        label="Phone",
        required=False,
        **field_bounds(User, "phone"),
        help_text="Optional. Shown on the court pages of your courts' onboardings.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )


class DigestPreferenceForm(_Part):
    """The person's choice about the weekly list of overdue items."""

    weekly_digest = forms.BooleanField(
        label="Send me the weekly digest of my organisation's overdue items",
        required=False,
        help_text=(
            "At most one e-mail a week, and only when something is overdue (or a "
            "notification below waits for the digest). The 60-day and 30-day "
            "reminders before Go-Live are sent regardless."
        ),
    )


class OTPTokenForm(forms.Form):
    """A six-digit code from the person's authenticator app."""

    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )

    def __init__(
        self, *args, submit_label: str = "Continue", label: str = "", **kwargs
    ):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["token"].label = label
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_tag = False
        self.helper.add_input(Submit("verify", submit_label))

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isascii() and token.isdigit() and len(token) == 6):
            raise forms.ValidationError("Type the 6 digits your app shows.")
        return token

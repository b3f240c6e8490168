from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserChangeForm

from ccpor_onboard.lib.bounds import field_bounds

from .models import EMAIL_TAKEN, User


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


class SignInForm(AuthenticationForm):
    """Django's sign-in form, taking a user name or an e-mail address
    (accounts.backends)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter a correct username or e-mail address, and password. "
            "The password is case-sensitive."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = "Username or e-mail address"
        field.max_length = 254  # an address may be longer than a user name
        field.widget.attrs.update(maxlength=254, autocomplete="username")


def email_taken_by(email: str, *, other_than: User | None = None) -> User | None:
    """The active account, other than `other_than`, that already uses this address
    (case does not matter), or None."""
    email = (email or "").strip()
    if not email:
        return None
    others = User.objects.filter(email__iexact=email, is_active=True)
    if other_than is not None and other_than.pk:
        others = others.exclude(pk=other_than.pk)
    return others.first()


class AccountChangeForm(UserChangeForm):
    """A user in the admin: an active account's e-mail address is its own (the
    database refuses a shared one; this says which account holds it, on the
    field)."""

    def clean(self):
        data = super().clean()
        active = data.get("is_active", self.instance.is_active)
        holder = email_taken_by(data.get("email", ""), other_than=self.instance)
        if active and holder is not None:
            self.add_error(
                "email",
                f"{EMAIL_TAKEN} It belongs to {holder.get_username()}. Give this "
                "account another address, or deactivate the other one first.",
            )
        return data

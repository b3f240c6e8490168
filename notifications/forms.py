from crispy_forms.helper import FormHelper
from django import forms

from .models import CHOOSABLE_KINDS, Delivery


class NotificationPreferencesForm(forms.Form):
    """How the person wants each kind of notification: immediately, in the weekly
    digest, or never. A kind left out of the POST keeps its current choice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in CHOOSABLE_KINDS:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, required=False
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def choices(self) -> dict[str, str]:
        return {kind: value for kind, value in self.cleaned_data.items() if value}

"""The project's `|crispy` (`{% load crispy_forms_tags crispy_filter %}`,
ccpor_onboard/lib/crispy_tags.py):
`|crispy` renders exactly what django-crispy-forms' own filter renders, for forms
bound and unbound, with errors, help text, checkboxes, radios, selects, files and
dates; and no look-up of a helper setting fails on the way (one of Django's own
radio widget templates still looks up an attribute its options lack)."""

from collections import Counter

import pytest
from crispy_forms.templatetags.crispy_forms_filters import (
    as_crispy_form as crispys_own,
)
from django import forms
from django.template import Context, Template, base

from ccpor_onboard.lib.crispy_tags import NOT_SET, as_crispy_form

# As every template of the product loads them.
LOAD = "{% load crispy_forms_tags crispy_filter %}"


class EveryKindOfField(forms.Form):
    name = forms.CharField(max_length=20, help_text="Your full name.")
    note = forms.CharField(widget=forms.Textarea, required=False)
    agree = forms.BooleanField(help_text="Tick to agree.")
    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")])
    size = forms.ChoiceField(
        choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect
    )
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    upload = forms.FileField(required=False)

    def clean(self):
        raise forms.ValidationError("Something is wrong with the whole form.")


FORMS = {
    "unbound": lambda: EveryKindOfField(),
    "bound, with errors": lambda: EveryKindOfField(
        data={"name": "x" * 30, "size": "nope", "on": "not a date"}
    ),
    "bound, valid fields": lambda: EveryKindOfField(
        data={
            "name": "Ana",
            "agree": "on",
            "colour": "g",
            "size": "s",
            "on": "2026-03-04",
        }
    ),
    "a formset": lambda: forms.formset_factory(EveryKindOfField, extra=2)(),
}


@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_the_same_markup_as_crispy_forms_own_filter(make):
    form = make()
    if hasattr(form, "is_valid"):
        form.is_valid()
    assert as_crispy_form(form) == crispys_own(form)
    rendered = Template(LOAD + "{{ form|crispy }}").render(Context({"form": form}))
    assert rendered == crispys_own(form)


@pytest.fixture
def failed_lookups(monkeypatch):
    failed = Counter()
    resolve = base.Variable._resolve_lookup

    def counting(self, context):
        try:
            return resolve(self, context)
        except base.VariableDoesNotExist:
            failed[self.var] += 1
            raise

    monkeypatch.setattr(base.Variable, "_resolve_lookup", counting)
    return failed


def test_no_look_up_of_a_helper_setting_fails(failed_lookups):
    form = FORMS["bound, with errors"]()
    form.is_valid()
    crispys_own(form)
    # crispy's own filter leaves them out (the reason for ours).
    assert set(failed_lookups) & set(NOT_SET)
    before = sum(failed_lookups.values())
    failed_lookups.clear()
    Template(LOAD + "{{ form|crispy }}").render(Context({"form": form}))
    assert not set(failed_lookups) & set(NOT_SET), failed_lookups
    assert sum(failed_lookups.values()) < before / 10


def test_every_template_that_uses_the_filter_loads_ours():
    from django.conf import settings

    templates = settings.BASE_DIR / "templates"
    using = [p for p in templates.rglob("*.html") if "|crispy" in p.read_text()]
    assert using
    for path in using:
        assert "crispy_forms_tags crispy_filter" in path.read_text(), path

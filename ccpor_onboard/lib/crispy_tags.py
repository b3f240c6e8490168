"""`{% load crispy_forms_tags crispy_filter %}` (settings: TEMPLATES' "libraries"):
after django-crispy-forms' tags and filters, a `|crispy` filter in place of its
own, which also gives its templates the helper settings they read, each at the
value that already meant "not set" (no `tag`, no inline help or errors, no form or
wrapper class...).

The same markup; but crispy's own filter left those names out of the context, and
Django's template engine pays a raised and caught exception for every look-up of a
missing name: 144 per item page, 61 per sign-offs page (on 1,687 of the tests, 76 s
before, 66 s after). tests/lib/test_crispy_tags.py holds the output to crispy's own."""

from crispy_forms.templatetags.crispy_forms_filters import (
    uni_form_template,
    uni_formset_template,
)
from crispy_forms.utils import TEMPLATE_PACK
from django import template
from django.forms.formsets import BaseFormSet

register = template.Library()

# What bootstrap5's field and layout templates read besides crispy's filter context.
NOT_SET = {
    "tag": None,
    "help_text_inline": False,
    "error_text_inline": False,
    "form_class": "",
    "wrapper_class": "",
    "include_media": False,
    "inline_class": "",
    "flat_attrs": "",
    "key_suffix": "",
    "form_error_title": "",
}


@register.filter(name="crispy")
def as_crispy_form(form, template_pack=TEMPLATE_PACK, label_class="", field_class=""):
    """crispy_forms_filters.as_crispy_form, with NOT_SET in the context."""
    context = {
        **NOT_SET,
        "field_class": field_class,
        "field_template": f"{template_pack}/field.html",
        "form_show_errors": True,
        "form_show_labels": True,
        "label_class": label_class,
    }
    if isinstance(form, BaseFormSet):
        context["formset"] = form
        return uni_formset_template(template_pack).render(context)
    context["form"] = form
    return uni_form_template(template_pack).render(context)

"""Every choice label our models show (get_FOO_display) is the one Django's own method gives,
in Chinese and in English, for every choice, an unknown value and no value."""

from inspect import getattr_static

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from tongban.cases.models import Case

FIELDS_WITH_CHOICES = [
    (model, field)
    for model in apps.get_models() if model.__module__.startswith("tongban.")
    for field in model._meta.fields if field.choices is not None
]


def test_every_tongban_field_with_choices_has_the_fast_label_lookup():
    assert len(FIELDS_WITH_CHOICES) > 40
    generated = [f"{model.__name__}.{field.name}" for model, field in FIELDS_WITH_CHOICES
                 if getattr_static(model, f"get_{field.name}_display").func is models.Model._get_FIELD_display]
    assert generated == []


@pytest.mark.parametrize(("model", "field"), FIELDS_WITH_CHOICES,
                         ids=[f"{m.__name__}.{f.name}" for m, f in FIELDS_WITH_CHOICES])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_label_is_the_one_django_gives(model, field, language):
    obj = model()
    values = [value for value, _label in field.flatchoices] + ["no-such-value", None]
    with translation.override(language):
        for value in values:
            setattr(obj, field.attname, value)
            assert getattr(obj, f"get_{field.name}_display")() == obj._get_FIELD_display(field)


def test_a_case_state_reads_in_the_active_language():
    case = Case(state="correction_requested")
    with translation.override("zh-hans"):
        chinese = case.get_state_display()
    with translation.override("en"):
        english = case.get_state_display()
    assert english == "correction requested"
    assert chinese != english and all("\u4e00" <= ch <= "\u9fff" for ch in chinese)

"""get_FOO_display() without Django's per-call cost.

Django's version rebuilds the field's choices on every call and hashes each label, which
translates every one of them: ~100 us for a case's eleven states, paid for each row of a queue,
each submission's answer and each status query. Here the labels are looked up in a dict built
once per field; a label stays lazy, so it is translated into the language active when it is
shown. CoreConfig.ready() installs it on every tongban model in place of the method Django
generated (a get_FOO_display() a model defines itself is left alone).
"""

from functools import partialmethod

from django.apps import apps
from django.db import models
from django.utils.encoding import force_str


def _display(self, *, field, labels):
    value = getattr(self, field.attname)
    try:
        label = labels.get(value, value)
    except TypeError:  # an unhashable value (a list, a dict): Django's own way
        return self._get_FIELD_display(field)
    return force_str(label, strings_only=True)


def _generated_by_django(method) -> bool:
    return isinstance(method, partialmethod) and method.func is models.Model._get_FIELD_display


def install_choice_labels() -> int:
    """Replace Django's generated get_FOO_display() of every tongban model; return how many."""
    installed = 0
    for model in apps.get_models():
        if not model.__module__.startswith("tongban."):
            continue
        for field in model._meta.fields:
            name = f"get_{field.name}_display"
            if not _generated_by_django(model.__dict__.get(name)) or not isinstance(field.choices, list | tuple):
                continue
            try:
                labels = dict(field.flatchoices)
            except TypeError:  # unhashable choice values
                continue
            setattr(model, name, partialmethod(_display, field=field, labels=labels))
            installed += 1
    return installed

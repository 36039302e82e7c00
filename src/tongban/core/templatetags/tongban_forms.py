"""Form rendering shared by the portal and the workbench: a field's error is tied to the
input with aria-describedby / aria-invalid, so screen readers read it with the field."""

from django import template

register = template.Library()


@register.simple_tag
def widget(field, **attrs):
    extra = {k.replace("_", "-"): v for k, v in attrs.items()}
    if field.errors:
        extra["aria-invalid"] = "true"
        extra["aria-describedby"] = f"{field.auto_id}_error"
    return field.as_widget(attrs=extra)

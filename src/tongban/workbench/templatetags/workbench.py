from django import template

from tongban.workbench import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    return selectors.unread_count(user=request.user) if request is not None else 0


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def get_field(form, name):
    return form[name]

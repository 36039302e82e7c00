"""Reject NUL characters in request parameters at the edge: no field of ours may hold one,
and PostgreSQL refuses to store or compare them (a 500 otherwise, on PostgreSQL only)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in v for values in request.GET.lists() for v in values[1]):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/json"):
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
    if request.method == "POST" and content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return any("\x00" in v for values in request.POST.lists() for v in values[1])
    return False


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return JsonResponse(
                {"code": "invalid_input", "message": _("The request contains a NUL character, which no field accepts.")},
                status=400,
            )
        return self.get_response(request)

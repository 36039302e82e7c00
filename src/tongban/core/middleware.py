"""Request middleware of our own.

RejectNulMiddleware: reject NUL characters in request parameters at the edge: no field of ours
may hold one, and PostgreSQL refuses to store or compare them (a 500 otherwise, on PostgreSQL
only). Reading the parameters here, it also answers a body that cannot be read (cut off,
malformed, over Django's DATA_UPLOAD_* limits) in the API's error format instead of Django's bare
400 page. LazyMessageMiddleware and LocaleMiddleware: Django's, minus work most requests do not
need."""

from functools import partial

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

from tongban.core.errors import DomainError, InvalidInput, RequestTooLarge


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


def _refusal(request) -> DomainError | None:
    """Why the request's parameters cannot be taken (a NUL, a body that cannot be read), or None."""
    try:
        if _has_nul(request):
            return InvalidInput(_("The request contains a NUL character, which no field accepts."))
    except MultiPartParserError:
        return InvalidInput(_("The upload is incomplete or malformed. Please send it again."), code="malformed_body")
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        return RequestTooLarge()
    return None


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (error := _refusal(request)) is not None:
            return JsonResponse(error.as_dict(), status=error.status)  # the API's error format (tongban.api)
        return self.get_response(request)


class LazyMessageMiddleware(MessageMiddleware):
    """Django's message middleware, with the storage built on first use.

    Django builds the cookie and session storages (and their signer) for every request, and
    saves them back after it; most requests (every API call) never add or read a message.
    A storage nobody touched has nothing to save: Django's update() would do nothing either."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(partial(default_storage, request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, without looking for a language code at the start of every
    request's path (twice, each time a failed language look-up) when no URL pattern is
    prefixed with one: ours are not; the language comes from the cookie or Accept-Language."""

    @staticmethod
    def _prefixed_patterns(request) -> bool:
        return is_language_prefix_patterns_used(getattr(request, "urlconf", settings.ROOT_URLCONF))[0]

    def process_request(self, request):
        if self._prefixed_patterns(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if self._prefixed_patterns(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

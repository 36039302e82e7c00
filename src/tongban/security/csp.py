"""The Content-Security-Policy header, built once per settings value.

django-csp rebuilds the header from the settings for every response (about 90 us here, a fifth
of all our middleware). Our policy does not vary per response: no page uses a nonce or a
per-view policy decorator. A response without either gets the header built once and kept
until the settings change; any response that does use one goes through django-csp unchanged.
"""

from __future__ import annotations

import http.client
from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

_PER_RESPONSE_POLICY = ("_csp_config", "_csp_update", "_csp_replace",
                        "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_DEBUG_PAGES = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)


@cache
def _headers_from_settings() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(header, value, attribute that exempts a response, excluded path prefixes) per header."""
    headers = []
    for header, setting, exempt, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
    ):
        value = build_policy(report_only=report_only)
        if value:
            prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
            headers.append((header, value, exempt, prefixes))
    return tuple(headers)


@receiver(setting_changed)
def _forget_headers(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _headers_from_settings.cache_clear()


class CachedPolicyCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        nonce_used = getattr(request, "_csp_nonce", None) is not None
        if nonce_used or any(hasattr(response, name) for name in _PER_RESPONSE_POLICY):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_PAGES and settings.DEBUG:
            return response
        for header, value, exempt, prefixes in _headers_from_settings():
            if (header not in response and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(prefixes)):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written could not be in it.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

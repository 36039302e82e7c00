"""The cached Content-Security-Policy header says what django-csp's own middleware says, for every
kind of response: plain, with a per-view policy, exempted, with a nonce, with a header already
set, under an excluded prefix, with a report-only policy, and after the settings change."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from tongban.security.csp import CachedPolicyCSPMiddleware


def plain(request):
    return HttpResponse("ok")


def with_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def preset(request):
    response = HttpResponse("ok")
    response[HEADER] = "default-src 'none'"
    return response


def server_error(request):
    return HttpResponse("boom", status=500)


VIEWS = {
    "plain": plain,
    "nonce": with_nonce,
    "update": csp_update({"img-src": ["https://maps.example.cn"]})(plain),
    "replace": csp_replace({"script-src": ["'self'", "https://cdn.example.cn"]})(plain),
    "exempt": csp_exempt()(plain),
    "exempt-report-only": csp_exempt(REPORT_ONLY=True)(plain),
    "preset": preset,
    "server-error": server_error,
}
REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-report/"}}


def directives(value):
    """A header as a set of directives: django-csp orders them by a set, per process."""
    return None if value is None else {part.strip() for part in value.split(";")}


def headers_from(middleware_class, view, path):
    request = RequestFactory().get(path)
    response = middleware_class(view)(request)
    headers = {name: directives(response.headers.get(name)) for name in (HEADER, HEADER_REPORT_ONLY)}
    try:  # a nonce asked for once the header is written must fail loudly
        nonce = str(request.csp_nonce)
    except CSPNonceError:
        nonce = "refused"
    headers["late nonce"] = nonce if nonce == "refused" else "given"
    return headers


SETTINGS = {
    "ours": {},
    "report-only": {"CONTENT_SECURITY_POLICY_REPORT_ONLY": REPORT_ONLY},
    "excluded": {"CONTENT_SECURITY_POLICY": {"EXCLUDE_URL_PREFIXES": ["/api/"],
                                             "DIRECTIVES": {"default-src": ["'self'"]}}},
    "debug": {"DEBUG": True},
}


@pytest.mark.parametrize("view_name", VIEWS)
@pytest.mark.parametrize("settings_name", SETTINGS)
@pytest.mark.parametrize("path", ["/workbench/", "/api/cases"])
def test_the_cached_header_equals_django_csp(view_name, settings_name, path):
    view = VIEWS[view_name]
    with override_settings(**SETTINGS[settings_name]):
        ours = headers_from(CachedPolicyCSPMiddleware, view, path)
        theirs = headers_from(CSPMiddleware, view, path)
    assert ours == theirs
    assert ours["late nonce"] == ("given" if view_name == "nonce" or (settings_name, view_name) == ("debug", "server-error") else "refused")


def test_a_settings_change_reaches_the_cached_header():
    first = headers_from(CachedPolicyCSPMiddleware, plain, "/")
    assert "frame-ancestors 'none'" in first[HEADER]
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
        assert headers_from(CachedPolicyCSPMiddleware, plain, "/")[HEADER] == {"default-src 'none'"}
    assert headers_from(CachedPolicyCSPMiddleware, plain, "/") == first

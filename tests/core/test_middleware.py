"""Our leaner versions of Django's locale and message middleware answer as Django's own do, and
a request without a session cookie is served without touching a session."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse, HttpResponseNotFound
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation
from django.utils.functional import empty

from tongban.core.middleware import LazyMessageMiddleware, LocaleMiddleware


def page(request):
    return HttpResponse("ok")


# A URLconf with language-prefixed patterns (tongban's has none): there our middleware must
# leave everything to Django's, the redirect of an unprefixed path included.
urlpatterns = i18n_patterns(path("page/", page), prefix_default_language=True)

REQUESTS = [
    ("/api/public/cases/query", {}),
    ("/api/public/cases/query", {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.8"}),
    ("/workbench/", {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}),
    ("/workbench/", {"HTTP_ACCEPT_LANGUAGE": "fr-FR"}),
    ("/en/workbench/", {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}),
    ("/portal/", {"HTTP_COOKIE": "django_language=en", "HTTP_ACCEPT_LANGUAGE": "zh-CN"}),
    ("/portal/", {"HTTP_COOKIE": "django_language=xx"}),
]


def locale_answer(middleware_class, url, meta, *, status=200, urlconf=None):
    request = RequestFactory().get(url, **meta)
    if urlconf:
        request.urlconf = urlconf
    with translation.override("de"):  # whatever was active before must not leak through
        response = middleware_class(
            lambda r: HttpResponse("ok") if status == 200 else HttpResponseNotFound("no")
        )(request)
        active = translation.get_language()
    return {"request language": request.LANGUAGE_CODE, "active": active, "status": response.status_code,
            "Content-Language": response.get("Content-Language"), "Vary": response.get("Vary"),
            "Location": response.get("Location")}


@pytest.mark.parametrize("status", [200, 404])
@pytest.mark.parametrize(("url", "meta"), REQUESTS)
def test_the_language_and_its_headers_are_django_s(url, meta, status):
    ours = locale_answer(LocaleMiddleware, url, meta, status=status)
    assert ours == locale_answer(DjangoLocaleMiddleware, url, meta, status=status)
    assert ours["Content-Language"] in ("zh-hans", "en") and "Accept-Language" in ours["Vary"]


@pytest.mark.parametrize("url", ["/page/", "/en/page/", "/zh-hans/page/"])
def test_language_prefixed_urls_are_left_to_django(url):
    ours = locale_answer(LocaleMiddleware, url, {"HTTP_ACCEPT_LANGUAGE": "en"}, status=404, urlconf=__name__)
    assert ours == locale_answer(DjangoLocaleMiddleware, url, {"HTTP_ACCEPT_LANGUAGE": "en"}, status=404,
                                 urlconf=__name__)
    if url == "/page/":
        assert ours["status"] == 302 and ours["Location"] == "/en/page/"


def adds_a_message(request):
    messages.success(request, "已受理")
    return HttpResponse("ok")


def reads_messages(request):
    return HttpResponse(" | ".join(str(m) for m in messages.get_messages(request)))


def leaves_messages_alone(request):
    return HttpResponse("ok")


def message_round(middleware_class, view, cookies=None):
    """One request through sessions and the message middleware: the page and the cookies set."""
    request = RequestFactory().get("/workbench/")
    request.COOKIES.update(cookies or {})
    response = SessionMiddleware(middleware_class(view))(request)
    return response.content.decode(), {name: c.value for name, c in response.cookies.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("middleware_class", [LazyMessageMiddleware, MessageMiddleware])
def test_a_message_reaches_the_next_page_and_waits_for_a_page_that_shows_it(middleware_class):
    _page, cookies = message_round(middleware_class, adds_a_message)
    assert cookies.get("messages")
    untouched = message_round(middleware_class, leaves_messages_alone, cookies)
    assert untouched == ("ok", {})  # not shown, so not consumed: the cookie stays as it was
    shown, after = message_round(middleware_class, reads_messages, cookies)
    assert shown == "已受理"
    assert after == {"messages": ""}  # shown once, then deleted


@pytest.mark.django_db
def test_a_request_that_uses_no_message_builds_no_storage():
    request = RequestFactory().get("/api/public/cases/query")
    SessionMiddleware(LazyMessageMiddleware(leaves_messages_alone))(request)
    assert request._messages._wrapped is empty


@pytest.mark.django_db
def test_without_a_session_cookie_no_session_is_read_and_the_answer_does_not_vary_by_cookie(fd_clerk):
    anonymous = Client().get("/api/catalog/items")
    assert anonymous.status_code == 200
    assert "Cookie" not in anonymous.get("Vary", "")
    signed_in = Client()
    signed_in.force_login(fd_clerk)
    answer = signed_in.get("/api/catalog/items")
    assert answer.status_code == 200
    assert "Cookie" in answer["Vary"]  # the signed-in user's session was read

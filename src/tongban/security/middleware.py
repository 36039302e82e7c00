"""Per-request session rules for signed-in users:

- idle expiry: a session unused for TONGBAN_IDLE_TIMEOUT_SECONDS is signed out (the last
  activity is written at most once a minute, not on every request);
- second factor: a user who needs one (see second_factor.requires_second_factor) and has only
  given the password is sent to the code page; on the API such a session counts as no session.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

from tongban.security.second_factor import confirmed_device, requires_second_factor

SEEN_KEY = "_tongban_seen"
EXEMPT_PREFIXES = ("/security/", "/static/", "/i18n/", "/workbench/login/", "/workbench/logout/",
                   "/admin/login/", "/admin/logout/", "/favicon.ico")


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie there is no signed-in user to check: looking would only
        # build the anonymous user that the API's token check replaces anyway.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            if self._idle_expired(request):
                logout(request)
            elif requires_second_factor(user) and not user.is_verified():
                response = self._second_factor_gate(request)
                if response is not None:
                    return response
        return self.get_response(request)

    @staticmethod
    def _idle_expired(request) -> bool:
        now = int(time.time())
        seen = request.session.get(SEEN_KEY)
        if seen is not None and now - seen > settings.TONGBAN_IDLE_TIMEOUT_SECONDS:
            return True
        if seen is None or now - seen >= 60:
            request.session[SEEN_KEY] = now
        return False

    @staticmethod
    def _second_factor_gate(request):
        path = request.path
        if path.startswith(EXEMPT_PREFIXES):
            return None
        if path.startswith("/api/"):
            request.user = AnonymousUser()
            return None
        target = "security:verify" if confirmed_device(request.user) else "security:enrol"
        return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))

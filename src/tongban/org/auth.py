"""API authentication for staff: the signed-in session (with CSRF) or a bearer token."""

from ninja.security import HttpBearer, SessionAuth

from tongban.org.services import token_authenticate


class StaffToken(HttpBearer):
    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user


staff_auth = [StaffToken(), StaffSession()]

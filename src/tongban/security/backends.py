"""django-axes' lock-out check for every sign-in that comes with a request (the workbench and
admin sign-in pages). Sign-ins without a request (management commands, the test client's
`login`) have no client to lock out and pass to the next backend."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

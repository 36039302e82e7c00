"""Who may open the workbench: signed-in staff (a StaffProfile) or a superuser."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tongban.org.scoping import staff_profile


def is_staff_member(user) -> bool:
    return user.is_authenticated and (user.is_superuser or staff_profile(user) is not None)


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("workbench:login"))
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def role_of(user) -> str:
    profile = staff_profile(user)
    if profile is not None:
        return profile.role
    return "superuser" if user.is_superuser else ""

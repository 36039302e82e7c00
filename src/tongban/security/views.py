"""The second-factor pages (enter the 6-digit code; enrol an authenticator on first sign-in),
sign out everywhere, and the lock-out page django-axes shows."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.ratelimit import RateLimited, check_rate
from tongban.security import second_factor as sf
from tongban.security.sessions import sign_out_everywhere


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("workbench:home")


def _signed_in_or_login(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("workbench:login"))
    return None


def _check_code(request, device, template: str, context: dict):
    try:
        check_rate(request, f"otp:{request.user.pk}", per_minute=10)
    except RateLimited as exc:
        return render(request, template, {**context, "error": exc.message}, status=429)
    if sf.second_factor_verify(request=request, device=device, code=request.POST.get("code", "")):
        return redirect(_next(request))
    return render(request, template, {**context, "error": _("The code is not right. Codes change every 30 "
                                                              "seconds; enter the one shown now.")}, status=400)


def verify(request):
    if (response := _signed_in_or_login(request)) is not None:
        return response
    device = sf.confirmed_device(request.user)
    if device is None:
        return redirect(reverse("security:enrol") + "?next=" + _next(request))
    context = {"next": _next(request)}
    if request.method == "POST":
        return _check_code(request, device, "security/verify.html", context)
    return render(request, "security/verify.html", context)


def enrol(request):
    if (response := _signed_in_or_login(request)) is not None:
        return response
    if sf.confirmed_device(request.user) is not None:
        return redirect(reverse("security:verify") + "?next=" + _next(request))
    device = sf.enrolment_device(user=request.user)
    uri = sf.provisioning_uri(device)
    context = {"next": _next(request), "secret": sf.secret_base32(device),
               "qr": segno.make(uri, error="m").svg_data_uri(scale=4)}
    if request.method == "POST":
        return _check_code(request, device, "security/enrol.html", context)
    return render(request, "security/enrol.html", context)


@require_POST
def sign_out_everywhere_view(request):
    if (response := _signed_in_or_login(request)) is not None:
        return response
    user = request.user
    ended = sign_out_everywhere(user=user)
    logout(request)
    messages.success(request, _("Signed out of %(n)s sessions on every device.") % {"n": ended})
    return redirect("workbench:login")


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes: too many failed sign-ins for this user name from this address."""
    return render(request, "security/locked.html", status=429)

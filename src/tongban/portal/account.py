"""Citizen sign-in (real-name: ID number + SMS code from the provider), sign-out, and the
citizen's own applications on the tracking page without typing the ID number again."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tongban.core.errors import DomainError
from tongban.core.ratelimit import check_rate
from tongban.portal import selectors, services
from tongban.workbench.forms import add_domain_error

PENDING = "citizen_pending"


class SignInForm(forms.Form):
    id_number = forms.CharField(label=_lazy("ID number"), max_length=18)
    phone = forms.CharField(label=_lazy("Mobile phone"), max_length=11)


class CodeForm(forms.Form):
    code = forms.CharField(label=_lazy("SMS code"), max_length=6, min_length=6)


def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_rate(request, "citizen-sign-in", per_minute=5)
            challenge = services.citizen_sign_in_start(**form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            request.session[PENDING] = {"challenge": challenge, **form.cleaned_data}
            return redirect("portal:account_code")
    return render(request, "portal/sign_in.html", {"form": form, "step": "start"},
                  status=400 if form.errors else 200)


def code(request):
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("portal:account_sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_rate(request, "citizen-code", per_minute=10)
            account = services.citizen_sign_in_confirm(challenge=pending["challenge"], code=form.cleaned_data["code"],
                                                       id_number=pending["id_number"], phone=pending["phone"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            request.session.cycle_key()
            request.session.pop(PENDING, None)
            request.session["citizen_account"] = account.pk
            return redirect("portal:account")
    return render(request, "portal/sign_in.html", {"form": form, "step": "code"},
                  status=400 if form.errors else 200)


@require_POST
def sign_out(request):
    request.session.pop("citizen_account", None)
    request.session.cycle_key()
    return redirect("portal:home")


def my_cases(request):
    account = selectors.citizen_account(request)
    if account is None:
        return redirect("portal:account_sign_in")
    return render(request, "portal/my_cases.html", {
        "account": account, "cases": list(selectors.cases_of_citizen(account=account)),
        "title": _("My applications")})

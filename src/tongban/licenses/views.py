"""The public verification page (no login): enter or scan a license code, see whether it is
valid, revoked, suspended or expired, with the holder masked. Plus the signed revocation list."""

from __future__ import annotations

import json

from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tongban.licenses import selectors

MAX_CODE = 2000


@require_GET
def verify_page(request, identifier: str | None = None):
    code = identifier or request.GET.get("code", "")
    check = selectors.license_public_check(code=code[:MAX_CODE]) if code else None
    response = render(request, "licenses/verify.html", {"code": code[:MAX_CODE], "check": check})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def revocation_list(request):
    row = selectors.revocation_list_latest()
    if row is None:
        return HttpResponseNotFound("no revocation list published")
    return HttpResponse(json.dumps(selectors.revocation_list_document(row), ensure_ascii=False),
                        content_type="application/json; charset=utf-8")

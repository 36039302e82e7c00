"""Public endpoints of the platform PKI: the RFC 3161 TSA, the CRL, the root certificate and
the platform key set. No login: relying parties and offline verifiers fetch these."""

from __future__ import annotations

import json

from asn1crypto import tsp
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tongban.signing import ca, platform_keys, selectors

MAX_TSQ = 4096


@csrf_exempt
@require_POST
def tsa(request):
    if request.content_type != "application/timestamp-query":
        return HttpResponseBadRequest("Content-Type must be application/timestamp-query")
    body = request.body
    if not body or len(body) > MAX_TSQ:
        return HttpResponseBadRequest("empty or oversized request")
    try:
        req = tsp.TimeStampReq.load(body)
        req.native  # noqa: B018 - force a full parse
    except Exception:  # noqa: BLE001 - malformed DER from the internet
        return HttpResponseBadRequest("malformed TimeStampReq")
    resp = selectors.timestamper().request_tsa_response(req)
    return HttpResponse(resp.dump(), content_type="application/timestamp-reply")


@require_GET
def crl(request):
    latest = selectors.crl_latest()
    if latest is None:
        return HttpResponseNotFound("no CRL published")
    response = HttpResponse(bytes(latest.der), content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def root_certificate(request):
    root = selectors.root_current()
    if root is None:
        return HttpResponseNotFound("no platform CA")
    return HttpResponse(ca.pem(bytes(root.der)), content_type="application/x-pem-file")


@require_GET
def key_set(request):
    return HttpResponse(json.dumps(platform_keys.key_set()), content_type="application/json")

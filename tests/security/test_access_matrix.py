"""The authorization matrix, generated from the URL configuration: every page and every API
operation must have a rule below (a new endpoint without one fails this suite), anonymous
visitors get nothing from a non-public one, and a clerk of 沣东 can read or change a 泾河 case
by no path (page, API, PDF notice, file, license, archive, admin)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories
from tests.workbench.conftest import PDF
from tongban.api import api
from tongban.cases.applicants import ApplicantInput
from tongban.cases.models import Case, CaseEvent
from tongban.cases.services import (
    MaterialInput,
    UploadInput,
    case_accept,
    case_refuse,
    case_request_correction,
    case_submit,
)

PUBLIC = "public"  # anyone, no personal data beyond what the visitor typed
SELF = "self"  # the visitor's own sign-in, second factor, sign-out
STAFF = "staff"  # any staff member; objects limited to the centers they may see (org.scoping)
ROLES = "roles"  # role-restricted (cases.policy / projects.policy / stats) and center-scoped
ADMIN = "admin"  # Django admin: is_staff + model permissions; case querysets center-scoped
PARTNER = "partner"  # partner deployments: signed messages (federation JWS)
MONITOR = "monitor"  # the monitoring network's addresses only (TONGBAN_METRICS_ALLOWED_IPS)

PAGE_RULES = {
    "": PUBLIC, "items/<str:code>/": PUBLIC, "items/<str:code>/apply/": PUBLIC, "applied/": PUBLIC,
    "track/": PUBLIC, "track/rate/": PUBLIC, "i18n/setlang/": PUBLIC,
    "account/": PUBLIC, "account/sign-in/": PUBLIC, "account/code/": PUBLIC, "account/sign-out/": PUBLIC,
    "signing/tsa": PUBLIC, "signing/crl.der": PUBLIC, "signing/root.pem": PUBLIC, "signing/keys.json": PUBLIC,
    "licenses/verify/": PUBLIC, "licenses/verify/<str:identifier>/": PUBLIC, "licenses/revocations.json": PUBLIC,
    "policy/measures/": PUBLIC, "healthz": PUBLIC, "metrics": MONITOR,
    "api/openapi.json": PUBLIC, "api/docs": PUBLIC, "api/": PUBLIC,
    "workbench/login/": SELF, "workbench/logout/": SELF, "security/second-factor/": SELF,
    "security/second-factor/enrol/": SELF, "security/sign-out-everywhere/": SELF,
    "stats/": ROLES, "stats/cases/": ROLES, "stats/export/": ROLES,
    "workbench/": STAFF, "workbench/queue/": STAFF, "workbench/notifications/": STAFF,
    "workbench/notifications/<int:notification_id>/read/": STAFF, "workbench/items/search/": STAFF,
    "workbench/receive/": ROLES, "workbench/id-only/": ROLES, "workbench/id-only/<uuid:token>/": STAFF, "workbench/validate/id-number/": STAFF,
    "workbench/cases/<str:number>/": STAFF, "workbench/cases/<str:number>/act/<str:action>/": ROLES,
    "workbench/cases/<str:number>/materials/": ROLES, "workbench/cases/<str:number>/materials/<int:material_id>/": STAFF,
    "workbench/cases/<str:number>/extension/": ROLES, "workbench/cases/<str:number>/extension/decision/": ROLES,
    "workbench/cases/<str:number>/rating/": ROLES, "workbench/cases/<str:number>/acceptance-notice.pdf": STAFF,
    "workbench/cases/<str:number>/correction-notice-<int:notice_id>.pdf": STAFF,
    "workbench/cases/<str:number>/refusal-decision.pdf": STAFF,
    "projects/": STAFF, "projects/dashboard/": STAFF, "projects/agreements/": STAFF, "projects/<str:code>/": STAFF,
    "projects/<str:code>/act/<str:action>/": ROLES,
    "service/plans/<int:plan_id>/roster/": STAFF,
}

API_RULES = {
    "GET /api/catalog/items": PUBLIC, "GET /api/catalog/items/{code}": PUBLIC, "GET /api/catalog/categories": PUBLIC,
    "GET /api/org/regions": PUBLIC, "GET /api/org/centers": PUBLIC, "GET /api/org/centers/{code}": PUBLIC,
    "GET /api/org/me": STAFF, "GET /api/org/staff": STAFF,
    "GET /api/signing/seals": STAFF, "GET /api/signing/seals/{code}/uses": STAFF, "POST /api/signing/verify": PUBLIC,
    "POST /api/licenses/": ROLES, "GET /api/licenses/": STAFF, "GET /api/licenses/revocations": PUBLIC,
    "POST /api/licenses/check": PUBLIC, "GET /api/licenses/{identifier}": STAFF,
    "GET /api/licenses/{identifier}/pdf": STAFF, "POST /api/licenses/{identifier}/revoke": ROLES,
    "POST /api/licenses/{identifier}/suspend": ROLES,
    "POST /api/cases": ROLES, "GET /api/cases": STAFF, "GET /api/cases/{number}": STAFF,
    "POST /api/cases/{number}/actions/{action}": ROLES, "POST /api/cases/{number}/materials": ROLES,
    "POST /api/cases/{number}/extension": ROLES, "POST /api/cases/{number}/extension/decision": ROLES,
    "POST /api/cases/{number}/rating": ROLES, "POST /api/cases/{number}/applicant/reveal": ROLES,
    "GET /api/staff/notifications": STAFF, "POST /api/staff/notifications/{notification_id}/read": STAFF,
    "GET /api/staff/rectifications": STAFF, "POST /api/staff/rectifications/{rectification_id}/answer": ROLES,
    "POST /api/staff/rectifications/{rectification_id}/close": ROLES,
    "POST /api/public/applications": PUBLIC, "POST /api/public/cases/query": PUBLIC,
    "POST /api/public/cases/rating": PUBLIC, "POST /api/public/cases/withdraw": PUBLIC,
    "POST /api/federation/inbox": PARTNER, "POST /api/federation/cases/{number}/forward": ROLES,
    "GET /api/federation/cases/{number}": STAFF, "GET /api/federation/agreements": STAFF,
    "POST /api/idonly/lookups": ROLES, "GET /api/idonly/lookups/{token}": STAFF, "POST /api/idonly/cases": ROLES,
    "GET /api/idonly/items/{code}": PUBLIC,
    "GET /api/archive/packages": STAFF, "GET /api/archive/cases/{number}": STAFF,
    "GET /api/archive/packages/{number}/proof": STAFF, "GET /api/archive/packages/{number}/export": ROLES,
    "GET /api/policy/measures": PUBLIC, "GET /api/policy/programmes": PUBLIC,
    "POST /api/policy/programmes/{code}/apply": PUBLIC, "POST /api/policy/claims/confirm": PUBLIC,
    "GET /api/policy/tasks": STAFF, "GET /api/policy/tasks/by-department": STAFF,
    "POST /api/policy/tasks/{number}/reports": ROLES, "GET /api/policy/claims": STAFF,
    "POST /api/policy/programmes/{code}/claims": ROLES, "POST /api/policy/programmes/{code}/match": ROLES,
    "POST /api/policy/claims/{claim_id}/review": ROLES, "POST /api/policy/claims/{claim_id}/reject": ROLES,
    "POST /api/policy/claims/{claim_id}/objections": ROLES, "POST /api/policy/objections/{objection_id}/resolve": ROLES,
    "POST /api/policy/claims/{claim_id}/pay": ROLES, "GET /api/policy/ledger": STAFF,
    "GET /api/policy/ledger/totals": STAFF, "POST /api/policy/ledger/{entry_id}/reverse": ROLES,
    "POST /api/service/appointments": PUBLIC, "POST /api/service/appointments/{code}/check-in": PUBLIC,
    "POST /api/service/tickets": PUBLIC, "POST /api/service/windows/{window_id}/call-next": ROLES,
    "POST /api/service/windows/{window_id}/call": ROLES, "GET /api/service/queue/figures": STAFF,
    "POST /api/service/consultations": STAFF, "GET /api/service/consultations": STAFF,
    "POST /api/service/hotline": ROLES, "POST /api/service/hotline/{number}/answer": ROLES,
    "POST /api/service/outreach": ROLES, "GET /api/service/outreach/totals": STAFF,
    "GET /api/service/plans/{plan_id}/roster": STAFF, "POST /api/service/plans/{plan_id}/roster": ROLES,
}


def _walk(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def page_routes() -> list[str]:
    """Every Django route except the admin (one rule, tested below) and the API's own routes
    (taken per operation from the OpenAPI schema)."""
    return sorted({r for r in _walk(get_resolver()) if not r.startswith("admin/")
                   and not (r.startswith("api/") and r not in ("api/openapi.json", "api/docs", "api/"))
                   and not r.startswith("bench/")})


def api_operations() -> list[str]:
    schema = api.get_openapi_schema()
    return sorted(f"{m.upper()} {path}" for path, ops in schema["paths"].items() for m in ops)


def test_every_page_and_api_operation_has_an_access_rule():
    missing = [r for r in page_routes() if r not in PAGE_RULES] + [o for o in api_operations() if o not in API_RULES]
    assert not missing, f"endpoints without an access rule in {__name__}: {missing}"


SAMPLE = {"number": "XX-NOPE", "code": "NOPE", "identifier": "NOPE", "action": "accept",
          "notification_id": "999999", "material_id": "999999", "notice_id": "999999", "rectification_id": "999999",
          "claim_id": "999999", "objection_id": "999999", "entry_id": "999999", "content_type_id": "1",
          "object_id": "1", "id": "1", "pk": "1", "app_label": "cases", "url": "x", "plan_id": "999999",
          "window_id": "999999", "token": "00000000-0000-4000-8000-000000000000",
          # RQ's queue dashboard in the admin (django-rq)
          "queue_index": "0", "job_id": "nope", "result_id": "nope", "key": "nope", "scheduler_index": "0",
          "connection_index": "0", "scheduler_name": "nope", "cron_job_name": "nope"}


def _fill(route: str) -> str:
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE[m.group(1)], route)
    return "/" + re.sub(r"\{(\w+)\}", lambda m: SAMPLE[m.group(1)], route).lstrip("/")


def _denied_page(response) -> bool:
    if response.status_code == 302:
        return "login" in response["Location"]
    return response.status_code in (401, 403, 404, 405)


def test_a_visitor_gets_nothing_from_any_staff_page_or_operation(client, org):
    leaks = []
    for route in page_routes():
        if PAGE_RULES[route] in (PUBLIC, SELF):
            continue
        url = _fill(route)
        outside = {"REMOTE_ADDR": "203.0.113.9"}  # a visitor from the internet, not the scraper
        for method in ("get", "post"):
            if not _denied_page(getattr(client, method)(url, **outside)):
                leaks.append(f"{method.upper()} {url}")
    for op in api_operations():
        if API_RULES[op] in (PUBLIC,):
            continue
        method, path = op.split(" ", 1)
        if method == "GET":
            response = client.get(_fill(path))
        else:
            response = getattr(client, method.lower())(_fill(path), content_type="application/json", data="{}")
        if API_RULES[op] == PARTNER:  # an unsigned message is refused as malformed
            if response.status_code not in (400, 401, 403):
                leaks.append(f"{op}: {response.status_code}")
        elif response.status_code != 401:
            leaks.append(f"{op}: {response.status_code} instead of 401")
    assert not leaks


def test_every_admin_page_needs_a_staff_account(client, fd_clerk):
    admin_routes = [r for r in _walk(get_resolver()) if r.startswith("admin/") and r not in ("admin/login/", "admin/logout/")]
    assert len(admin_routes) > 50
    client.force_login(fd_clerk)  # a clerk is not an admin user
    opened = [r for r in admin_routes if not _denied_page(client.get(_fill(r)))]
    assert not opened


# -- own center / other center --------------------------------------------------------------
def _case(clerk):
    return case_submit(actor=clerk, item_code="GJJ-7001", applicant=ApplicantInput(
        kind="person", name="王小明", id_number=factories.id_number(), phone="13800138000"), materials=[
        MaterialInput(name="居民身份证", status="exempted", source="population", exemption_reason="共享"),
        MaterialInput(name="购房合同", file=UploadInput(name="c.pdf", data=PDF, content_type="application/pdf"))])


@pytest.fixture
def two_cases(housing_item, fd_clerk, jh_clerk):
    """A 沣东 case and a 泾河 case, each accepted, with a correction notice and a scan; and a
    refused one in each center (for the refusal decision PDF)."""
    out = {}
    for key, clerk in (("own", fd_clerk), ("other", jh_clerk)):
        case = _case(clerk)
        case_request_correction(actor=clerk, number=case.number, missing=["婚姻状况证明"], note="")
        refused = _case(clerk)
        case_refuse(actor=clerk, number=refused.number, reason="不属于本中心受理范围")
        accepted = _case(clerk)
        case_accept(actor=clerk, number=accepted.number)
        out[key] = {"case": Case.objects.get(pk=case.pk), "refused": refused, "accepted": accepted,
                    "material": case.materials.exclude(file_path="").first(),
                    "notice": case.correction_notices.first()}
    return out


def case_paths(c) -> list[tuple[str, str, dict]]:
    """Every route that takes a case, with the case (or its parts) filled in."""
    n, a, r = c["case"].number, c["accepted"].number, c["refused"].number
    v = c["accepted"].version
    return [
        ("get", f"/workbench/cases/{n}/", {}),
        ("get", f"/workbench/cases/{n}/materials/{c['material'].pk}/", {}),
        ("get", f"/workbench/cases/{a}/acceptance-notice.pdf", {}),
        ("get", f"/workbench/cases/{n}/correction-notice-{c['notice'].pk}.pdf", {}),
        ("get", f"/workbench/cases/{r}/refusal-decision.pdf", {}),
        ("post", f"/workbench/cases/{a}/act/withdraw/", {"version": v, "reason": "申请人撤回"}),
        ("post", f"/workbench/cases/{a}/materials/", {"version": v, "name": "婚姻状况证明"}),
        ("post", f"/workbench/cases/{a}/extension/", {"version": v, "days": 10, "reason": "复杂"}),
        ("post", f"/workbench/cases/{a}/extension/decision/", {"grant": "1"}),
        ("post", f"/workbench/cases/{a}/rating/", {"score": 5}),
        ("get", f"/api/cases/{n}", {}),
        ("api", f"/api/cases/{a}/actions/withdraw", {"version": v, "reason": "申请人撤回"}),
        ("api", f"/api/cases/{a}/extension", {"version": v, "days": 10, "reason": "复杂"}),
        ("api", f"/api/cases/{a}/extension/decision", {"grant": True}),
        ("api", f"/api/cases/{a}/rating", {"score": 5}),
        ("api", f"/api/cases/{n}/applicant/reveal", {"purpose": "核对身份"}),
        ("get", f"/api/federation/cases/{n}", {}),
        ("api", f"/api/federation/cases/{a}/forward", {"home_region": "610400", "version": v,
                                                      "form_reviewed": True, "identity_verified": True,
                                                      "originals_authentic": True}),
        ("get", f"/api/archive/cases/{n}", {}),
        ("get", f"/api/archive/packages/{n}/proof", {}),
        ("get", f"/api/archive/packages/{n}/export", {}),
    ]


def _call(client, method, path, data):
    if method == "api":
        return client.post(path, data=data, content_type="application/json")
    return getattr(client, method)(path, data)


def test_a_clerk_of_fengdong_reaches_no_jinghe_case_by_any_path(client, fd_clerk, two_cases):
    client.force_login(fd_clerk)
    other = two_cases["other"]
    before = {c.pk: (c.state, c.version) for c in Case.objects.all()}
    events_before = CaseEvent.objects.count()
    answers = {path: _call(client, method, path, data) for method, path, data in case_paths(other)}
    opened = {path: r.status_code for path, r in answers.items() if r.status_code not in (403, 404)}
    assert not opened
    for path, response in answers.items():  # nothing of the case in any answer
        assert other["case"].number not in response.content.decode(errors="replace") or path.startswith("/api/")
    assert {c.pk: (c.state, c.version) for c in Case.objects.all()} == before
    assert CaseEvent.objects.count() == events_before


def test_the_same_paths_open_for_the_clerk_on_a_fengdong_case(client, fd_clerk, two_cases):
    """The mirror of the test above: the paths are real (a 404 there is not a typo)."""
    client.force_login(fd_clerk)
    reads = [(m, p, d) for m, p, d in case_paths(two_cases["own"]) if m == "get" and "/archive/" not in p
             and "/federation/" not in p]
    statuses = {p: _call(client, m, p, d).status_code for m, p, d in reads}
    assert all(s == 200 for s in statuses.values()), statuses


def test_the_queue_and_lists_of_a_fengdong_clerk_show_no_jinghe_case(client, fd_clerk, two_cases):
    client.force_login(fd_clerk)
    other = {two_cases["other"][k].number for k in ("case", "refused", "accepted")}
    own = {two_cases["own"][k].number for k in ("case", "refused", "accepted")}
    api_numbers = {row["number"] for row in client.get("/api/cases").json()["items"]}
    assert own <= api_numbers and not (other & api_numbers)
    page = client.get("/workbench/queue/").content.decode()
    assert all(n in page for n in own) and not any(n in page for n in other)


def test_a_center_admin_with_admin_rights_sees_only_their_centers_cases_in_the_admin(client, fd_admin, two_cases):
    fd_admin.user_permissions.add(Permission.objects.get(codename="view_case"))
    client.force_login(fd_admin)
    own, other = two_cases["own"]["case"], two_cases["other"]["case"]
    assert client.get(f"/admin/cases/case/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/cases/case/{other.pk}/change/").status_code in (302, 404)
    listing = client.get("/admin/cases/case/").content.decode()
    assert own.number in listing and other.number not in listing


def test_statistics_are_for_leaders_and_center_admins_only(client, fd_clerk, fd_admin):
    client.force_login(fd_clerk)
    assert client.get("/stats/").status_code == 403
    assert client.get("/stats/export/").status_code == 403
    client.force_login(fd_admin)
    assert client.get("/stats/").status_code == 200

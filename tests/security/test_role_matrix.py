"""The role sweep of the authorization matrix: every page route and API operation whose rule in
`test_access_matrix` is ROLES has a row below with the roles the product allows (written by hand
from the policy tables, not read from them), and each row is called by a persona of every
`org.Role` in 沣东:

- a role not allowed is refused (403, or the row's stated denial: 404 where existence is hidden,
  the workbench form shown again with the policy's refusal, a redirect with the refusal as a
  message) and nothing is written (row counts of every tongban table and the states of cases,
  tickets, rectifications, shifts, stages and licenses are the same afterwards);
- a role allowed is not refused (no 403, no `Forbidden` raised; 404 for a sample id, 400/409/422
  for a minimal body are fine);
- an allowed role other than the leader (who sees every center of the region) acting on a 泾河
  object (case, window, roster plan, project, license, rectification, work order) is refused or
  gets 404, and nothing is written.

`python -m pytest -q -s tests/security/test_role_matrix.py -k figures` prints the counts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import connection

from tests import factories
from tests.idonly.conftest import HOUSING_FUND_ITEM, RETIRED, demo_item, refdata, refdata_server  # noqa: F401
from tests.licenses.conftest import CREDIT_CODE, DATA, business_license, business_type  # noqa: F401
from tests.projects.conftest import (  # noqa: F401  (fixtures)
    PROJECT_CODE,
    SECOND_CODE,
    agreement,
    classes,
    enterprise,
    fd_agent,
    gc_items,
    jh_agent,
    register,
)
from tests.security.test_access_matrix import (
    API_RULES,
    PAGE_RULES,
    ROLES,
    _fill,
    api_operations,
    page_routes,
    two_cases,  # noqa: F401  (fixture)
)
from tests.signing.conftest import market, market_seal, nssdb, platform_ca  # noqa: F401
from tests.workbench.conftest import PDF
from tongban.cases.models import Case, Rating, Rectification
from tongban.core import errors
from tongban.org.models import Role, Window

R = Role
ALL = frozenset(Role.values)
FRONT_DESK = frozenset({R.CLERK, R.CENTER_ADMIN})

# how a refused call answers, when not a plain 403
D403 = "403"
D404 = "404"  # existence hidden: the object is looked up within what the user may see first
FORM = "form"  # workbench page: the form comes back (400) with the policy's refusal on it
BACK = "redirect"  # page: a redirect (302) with the policy's refusal as a message
HOME = "home"  # page: a redirect (302) to the workbench home with "your role does not ..."


@dataclass(frozen=True)
class Row:
    """One way to call an endpoint. `url`/`body` take the context `c` (lazy real objects)."""

    method: str  # get | json (POST JSON) | post (POST form / multipart)
    url: object  # str or callable(c) -> str
    allowed: frozenset
    body: object = None  # dict or callable(c) -> dict
    denial: str = D403
    variant: str = ""
    other: object = None  # callable(c) -> (url, body) on a 泾河 object, for the center dimension
    other_code: str = ""  # the API error code the 泾河 call must answer, when 403/404 alone says too little
    note: str = ""


def _v(c, number):
    return Case.objects.get(number=number).version


def _case_act_body(c, n):
    return {"version": _v(c, n), "note": "核对", "reason": "现场勘验", "missing": ["婚姻状况证明"],
            "method": "pickup", "reference": ""}


# -- case transitions: the product's rule per action (cases.policy) --------------------------------
CASE_ACTIONS = {
    "accept": FRONT_DESK, "refuse": FRONT_DESK, "request_correction": FRONT_DESK,
    "start_review": {R.APPROVER}, "start_special_procedure": {R.APPROVER}, "end_special_procedure": {R.APPROVER},
    "approve": {R.APPROVER}, "deny": {R.APPROVER}, "conclude": {R.APPROVER, R.CLERK},
    "deliver": FRONT_DESK, "withdraw": FRONT_DESK,
}
# -- project acts on the project page (projects.policy) --------------------------------------------
COORDINATORS = frozenset({R.AGENT, R.CENTER_ADMIN})
PROJECT_ACTS = {
    "start_stage": (COORDINATORS, {"stage": "approval"}),
    "add_item": (COORDINATORS, {"stage": "approval", "item_code": "GC-0007"}),
    "complete_stage": (COORDINATORS, {"stage": "approval"}),
    "request_part": (COORDINATORS, {"scope": "主体结构", "is_final": ""}),
    "issue_part": ({R.APPROVER, R.CENTER_ADMIN}, {"sequence": "1"}),
    "acceptance": ({R.APPROVER, R.CENTER_ADMIN}, {"kind": "fire", "result": "passed", "note": ""}),
    "joint": ({R.AGENT, R.APPROVER, R.CENTER_ADMIN}, {"participants": "各部门", "conclusion": "合格"}),
    "worklog": ({R.AGENT}, {"kind": "visit", "happened_on": "2023-06-05", "note": "走访"}),
}


def _case_rows(kind: str):
    """kind: page | api; one row per case transition."""
    rows = []
    for action, allowed in CASE_ACTIONS.items():
        if kind == "page":
            rows.append(Row("post", lambda c, a=action: f"/workbench/cases/{c.own_case}/act/{a}/", frozenset(allowed),
                            body=lambda c: _case_act_body(c, c.own_case), denial=FORM, variant=action,
                            other=lambda c, a=action: (f"/workbench/cases/{c.other_case}/act/{a}/",
                                                       _case_act_body(c, c.other_case))))
        else:
            rows.append(Row("json", lambda c, a=action: f"/api/cases/{c.own_case}/actions/{a}", frozenset(allowed),
                            body=lambda c: _case_act_body(c, c.own_case), variant=action,
                            other=lambda c, a=action: (f"/api/cases/{c.other_case}/actions/{a}",
                                                       _case_act_body(c, c.other_case))))
    return rows


def _project_rows():
    return [Row("post", lambda c, a=act: f"/projects/{c.own_project}/act/{a}/", frozenset(allowed), body=body,
                denial=BACK, variant=act,
                other=lambda c, a=act, b=body: (f"/projects/{c.other_project}/act/{a}/", b),
                note="the project is found first; one the user may not see answers 404")
            for act, (allowed, body) in PROJECT_ACTS.items()]


def _submit_payload(c):
    c.fx("housing_item")
    return {"payload": json.dumps({
        "item_code": "GJJ-7001", "applicant": {"kind": "person", "name": "王小明", "id_number": factories.id_number()},
        "materials": [{"name": "居民身份证", "status": "exempted", "exemption_reason": "共享"},
                      {"name": "购房合同", "file": 0}]}),
        "files": c.upload()}


def _material_body(c, n):
    return {"version": _v(c, n), "name": "婚姻状况证明", "file": c.upload()}


ROLE_MATRIX: dict[str, list[Row]] = {
    # statistics (stats.selectors.stats_filter_for): leaders and center administrators
    "stats/": [Row("get", "/stats/", frozenset({R.CENTER_ADMIN, R.LEADER}))],
    "stats/cases/": [Row("get", "/stats/cases/?metric=received", frozenset({R.CENTER_ADMIN, R.LEADER}))],
    "stats/export/": [Row("get", "/stats/export/", frozenset({R.CENTER_ADMIN, R.LEADER}))],
    # receiving at a window: whoever may submit (front desk + agents filing for an enterprise)
    "workbench/receive/": [Row("get", "/workbench/receive/", FRONT_DESK | {R.AGENT}, denial=HOME)],
    "workbench/id-only/": [Row("get", "/workbench/id-only/", FRONT_DESK | {R.AGENT}, denial=HOME)],
    "workbench/cases/<str:number>/act/<str:action>/": _case_rows("page"),
    "workbench/cases/<str:number>/materials/": [Row(
        "post", lambda c: f"/workbench/cases/{c.own_case}/materials/", FRONT_DESK,
        body=lambda c: _material_body(c, c.own_case), denial=FORM,
        other=lambda c: (f"/workbench/cases/{c.other_case}/materials/", _material_body(c, c.other_case)))],
    "workbench/cases/<str:number>/extension/": [Row(
        "post", lambda c: f"/workbench/cases/{c.own_case}/extension/", frozenset({R.APPROVER}),
        body=lambda c: {"version": _v(c, c.own_case), "days": 5, "reason": "复杂"}, denial=FORM,
        other=lambda c: (f"/workbench/cases/{c.other_case}/extension/",
                         {"version": _v(c, c.other_case), "days": 5, "reason": "复杂"}))],
    "workbench/cases/<str:number>/extension/decision/": [Row(
        "post", lambda c: f"/workbench/cases/{c.own_case}/extension/decision/", frozenset({R.LEADER}),
        body={"grant": "yes", "note": ""}, denial=FORM,
        note="leader only; the leader sees every center of the region, so no 泾河 refusal applies")],
    "workbench/cases/<str:number>/rating/": [Row(
        "post", lambda c: f"/workbench/cases/{c.own_case}/rating/", FRONT_DESK, body={"score": "5", "text": ""},
        denial=FORM, other=lambda c: (f"/workbench/cases/{c.other_case}/rating/", {"score": "5", "text": ""}))],
    "projects/<str:code>/act/<str:action>/": _project_rows(),
    # licenses: approvers, center administrators, leaders
    "POST /api/licenses/": [Row(
        "json", "/api/licenses/", frozenset({R.APPROVER, R.CENTER_ADMIN, R.LEADER}),
        body={"license_type": "NOPE", "holder_name": "某公司", "holder_credit_code": CREDIT_CODE, "data": {},
              "issuer_department": "market", "source_case_number": ""},
        other=lambda c: ("/api/licenses/", {"license_type": "NOPE", "holder_name": "某公司",
                                             "holder_credit_code": CREDIT_CODE, "data": {},
                                             "issuer_department": "market", "source_case_number": c.other_case}),
        other_code="case_not_found",
        note="an unknown type answers 404 to the allowed; citing a 泾河 case answers 404 case_not_found")],
    "POST /api/licenses/{identifier}/revoke": [Row(
        "json", _fill("api/licenses/{identifier}/revoke"), frozenset({R.APPROVER, R.CENTER_ADMIN, R.LEADER}),
        body={"reason": "吊销"}, other=lambda c: (f"/api/licenses/{c.other_license}/revoke", {"reason": "吊销"}))],
    "POST /api/licenses/{identifier}/suspend": [Row(
        "json", _fill("api/licenses/{identifier}/suspend"), frozenset({R.APPROVER, R.CENTER_ADMIN, R.LEADER}),
        body={"reason": "暂扣"}, other=lambda c: (f"/api/licenses/{c.other_license}/suspend", {"reason": "暂扣"}))],
    # cases API
    "POST /api/cases": [Row("post", "/api/cases", FRONT_DESK | {R.AGENT}, body=_submit_payload,
                            note="filed at the user's own center: no 泾河 variant")],
    "POST /api/cases/{number}/actions/{action}": _case_rows("api"),
    "POST /api/cases/{number}/materials": [Row(
        "post", lambda c: f"/api/cases/{c.own_case}/materials", FRONT_DESK,
        body=lambda c: _material_body(c, c.own_case),
        other=lambda c: (f"/api/cases/{c.other_case}/materials", _material_body(c, c.other_case)))],
    "POST /api/cases/{number}/extension": [Row(
        "json", lambda c: f"/api/cases/{c.own_case}/extension", frozenset({R.APPROVER}),
        body={"days": 5, "reason": "复杂"},
        other=lambda c: (f"/api/cases/{c.other_case}/extension", {"days": 5, "reason": "复杂"}))],
    "POST /api/cases/{number}/extension/decision": [Row(
        "json", lambda c: f"/api/cases/{c.own_case}/extension/decision", frozenset({R.LEADER}),
        body={"grant": True}, note="leader only (region-wide): no 泾河 refusal applies")],
    "POST /api/cases/{number}/rating": [Row(
        "json", lambda c: f"/api/cases/{c.own_case}/rating", FRONT_DESK, body={"score": 5},
        other=lambda c: (f"/api/cases/{c.other_case}/rating", {"score": 5}))],
    "POST /api/cases/{number}/applicant/reveal": [Row(
        "json", lambda c: f"/api/cases/{c.own_case}/applicant/reveal", frozenset({R.CLERK, R.APPROVER, R.CENTER_ADMIN}),
        body={"purpose": "核对身份"},
        other=lambda c: (f"/api/cases/{c.other_case}/applicant/reveal", {"purpose": "核对身份"}))],
    # rectifications of poor ratings: center administrators
    "POST /api/staff/rectifications/{rectification_id}/answer": [Row(
        "post", lambda c: f"/api/staff/rectifications/{c.own_rect}/answer", frozenset({R.CENTER_ADMIN}),
        body={"answer": "已整改"}, note="a leader sees the rectification (region) but may not handle it",
        other=lambda c: (f"/api/staff/rectifications/{c.other_rect}/answer", {"answer": "已整改"}))],
    "POST /api/staff/rectifications/{rectification_id}/close": [Row(
        "post", lambda c: f"/api/staff/rectifications/{c.own_rect}/close", frozenset({R.CENTER_ADMIN}),
        body={"follow_up_note": "回访满意"},
        other=lambda c: (f"/api/staff/rectifications/{c.other_rect}/close", {"follow_up_note": "回访满意"}))],
    # cross-region forwarding: the receiving window's act (accept)
    "POST /api/federation/cases/{number}/forward": [Row(
        "json", lambda c: f"/api/federation/cases/{c.own_case}/forward", FRONT_DESK,
        body={"form_reviewed": True, "identity_verified": True, "originals_authentic": True, "home_region": "610400"},
        other=lambda c: (f"/api/federation/cases/{c.other_case}/forward",
                         {"form_reviewed": True, "identity_verified": True, "originals_authentic": True,
                          "home_region": "610400"}))],
    # ID-card-only: whoever may submit at a window
    "POST /api/idonly/lookups": [Row(
        "json", "/api/idonly/lookups", FRONT_DESK | {R.AGENT},
        body=lambda c: {"id_number": RETIRED[0], "name": RETIRED[1], "item_code": c.idonly_item, "consent": True,
                        "purpose": "办理公积金提取"}, note="made at the user's own center")],
    "POST /api/idonly/cases": [Row(
        "json", "/api/idonly/cases", FRONT_DESK | {R.AGENT}, body=lambda c: {"lookup": str(c.lookup_of_current())},
        note="each persona files a look-up left under their name (made by a clerk, reassigned)")],
    # archive transfer export: center administrators and leaders
    "GET /api/archive/packages/{number}/export": [Row(
        "get", _fill("api/archive/packages/{number}/export"), frozenset({R.CENTER_ADMIN, R.LEADER}),
        note="the allowed get 404 for the sample number; packages are center-scoped (test_access_matrix)")],
    # policy (bureau-wide, roles only)
    "POST /api/policy/tasks/{number}/reports": [Row(
        "post", _fill("api/policy/tasks/{number}/reports"), ALL, body={"text": "进展", "progress": "50"})],
    "POST /api/policy/programmes/{code}/claims": [Row(
        "json", _fill("api/policy/programmes/{code}/claims"), frozenset({R.CLERK, R.AGENT, R.CENTER_ADMIN}),
        body={"credit_code": CREDIT_CODE})],
    "POST /api/policy/programmes/{code}/match": [Row(
        "json", _fill("api/policy/programmes/{code}/match"), frozenset({R.APPROVER, R.CENTER_ADMIN, R.LEADER}))],
    "POST /api/policy/claims/{claim_id}/review": [Row(
        "json", _fill("api/policy/claims/{claim_id}/review"), frozenset({R.APPROVER, R.CENTER_ADMIN, R.LEADER}),
        body={"note": ""})],
    "POST /api/policy/claims/{claim_id}/reject": [Row(
        "json", _fill("api/policy/claims/{claim_id}/reject"), frozenset({R.APPROVER, R.CENTER_ADMIN, R.LEADER}),
        body={"reason": "不符合条件"})],
    "POST /api/policy/claims/{claim_id}/objections": [Row(
        "json", _fill("api/policy/claims/{claim_id}/objections"), ALL, body={"text": "有异议"},
        note="any staff member records an objection received during the notice")],
    "POST /api/policy/objections/{objection_id}/resolve": [Row(
        "json", _fill("api/policy/objections/{objection_id}/resolve"),
        frozenset({R.APPROVER, R.CENTER_ADMIN, R.LEADER}), body={"upheld": False, "resolution": "不成立"})],
    "POST /api/policy/claims/{claim_id}/pay": [Row(
        "json", _fill("api/policy/claims/{claim_id}/pay"), frozenset({R.LEADER}), body={})],
    "POST /api/policy/ledger/{entry_id}/reverse": [Row(
        "json", _fill("api/policy/ledger/{entry_id}/reverse"), frozenset({R.LEADER}), body={"reason": "更正"})],
    # service hall
    "POST /api/service/windows/{window_id}/call-next": [Row(
        "json", lambda c: f"/api/service/windows/{c.own_window}/call-next", FRONT_DESK,
        other=lambda c: (f"/api/service/windows/{c.other_window}/call-next", {}))],
    "POST /api/service/windows/{window_id}/call": [Row(
        "json", lambda c: f"/api/service/windows/{c.own_window}/call", FRONT_DESK, body={"number": "A001"},
        other=lambda c: (f"/api/service/windows/{c.other_window}/call", {"number": "A001"}))],
    "POST /api/service/hotline": [Row(
        "json", "/api/service/hotline", frozenset({R.CLERK, R.APPROVER, R.AGENT, R.CENTER_ADMIN}),
        body=lambda c: {"number": f"12345-{c.seq()}", "content": "咨询", "category": "guide"},
        note="received at the user's own center")],
    "POST /api/service/hotline/{number}/answer": [Row(
        "json", lambda c: f"/api/service/hotline/{c.own_order}/answer",
        frozenset({R.CLERK, R.APPROVER, R.AGENT, R.CENTER_ADMIN}), body={"answer": "已答复"},
        other=lambda c: (f"/api/service/hotline/{c.other_order}/answer", {"answer": "已答复"}))],
    "POST /api/service/outreach": [Row(
        "json", "/api/service/outreach", frozenset({R.CLERK, R.AGENT, R.CENTER_ADMIN, R.LEADER}),
        body={"kind": "publicity", "target": "grassroots", "title": "宣传", "place": "王寺街道",
              "starts_on": "2023-06-05"}, note="recorded at the user's own center")],
    "POST /api/service/plans/{plan_id}/roster": [Row(
        "json", lambda c: f"/api/service/plans/{c.own_plan}/roster", frozenset({R.CENTER_ADMIN, R.LEADER}),
        other=lambda c: (f"/api/service/plans/{c.other_plan}/roster", {}))],
}


def roles_endpoints() -> list[str]:
    return ([r for r in page_routes() if PAGE_RULES[r] == ROLES]
            + [o for o in api_operations() if API_RULES[o] == ROLES])


def test_every_role_restricted_endpoint_has_a_row_of_allowed_roles():
    endpoints = roles_endpoints()
    missing = [e for e in endpoints if e not in ROLE_MATRIX]
    stale = [e for e in ROLE_MATRIX if e not in endpoints]
    assert not missing, f"ROLES endpoints without allowed roles in {__name__}.ROLE_MATRIX: {missing}"
    assert not stale, f"rows for endpoints that are not (or no longer) ROLES: {stale}"
    assert all(row.allowed <= ALL and row.allowed for rows in ROLE_MATRIX.values() for row in rows)


CELLS = [(endpoint, row) for endpoint, rows in ROLE_MATRIX.items() for row in rows]


def test_figures():
    """The counts quoted in docs/security.md (run with -s)."""
    pages, ops = page_routes(), api_operations()
    swept = roles_endpoints()
    other = sum(len(row.allowed - {R.LEADER}) for _e, row in CELLS if row.other)
    print(f"\nmatrix: {len(pages)} page routes + {len(ops)} API operations = {len(pages) + len(ops)}; "
          f"ROLES-swept: {len(swept)} ({sum(1 for r in swept if not r[0].isupper())} pages, "
          f"{sum(1 for r in swept if r[0].isupper())} API); rows (with per-action variants): {len(CELLS)}; "
          f"(row, role) cells: {len(CELLS) * len(ALL)}; 泾河 (row, allowed role) cells: {other}")


# -- the sweep -------------------------------------------------------------------------------------
class Context:
    """Real objects, made only when a row asks for them."""

    def __init__(self, request):
        self.request = request
        self.current = None  # the persona calling now
        self._n = 0

    def fx(self, name):
        return self.request.getfixturevalue(name)

    def seq(self) -> int:
        self._n += 1
        return self._n

    def upload(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")

    @cached_property
    def cases(self):
        return self.fx("two_cases")

    @property
    def own_case(self) -> str:
        return self.cases["own"]["accepted"].number

    @property
    def other_case(self) -> str:
        return self.cases["other"]["accepted"].number

    def _window(self, center: str) -> int:
        return Window.objects.get(hall__center__code=center, number="A01").pk

    @cached_property
    def own_window(self):
        self.fx("org")
        return self._window("fengdong")

    @cached_property
    def other_window(self):
        return self._window("jinghe")

    def _rect(self, key: str) -> int:
        from django.utils import timezone

        case = self.cases[key]["accepted"]
        rating = Rating.objects.create(case=case, score=1, channel="window", created_at=timezone.now())
        return Rectification.objects.create(rating=rating, center=case.center, due_on=date(2023, 6, 12)).pk

    @cached_property
    def own_rect(self):
        return self._rect("own")

    @cached_property
    def other_rect(self):
        return self._rect("other")

    def _order(self, clerk: str) -> str:
        from tongban.service.services import hotline_order_receive

        return hotline_order_receive(actor=self.fx(clerk), number=f"12345-{clerk}", content="咨询",
                                     category="guide").number

    @cached_property
    def own_order(self):
        return self._order("fd_clerk")

    @cached_property
    def other_order(self):
        return self._order("jh_clerk")

    def _plan(self, center: str) -> int:
        from tongban.service.models import HolidayPlan, PlanWindow

        plan = HolidayPlan.objects.create(name=f"端午 {center}", holiday="端午节", starts_on=date(2023, 6, 22),
                                          ends_on=date(2023, 6, 23))
        PlanWindow.objects.create(plan=plan, window_id=self._window(center))
        return plan.pk

    @cached_property
    def own_plan(self):
        self.fx("org")
        return self._plan("fengdong")

    @cached_property
    def other_plan(self):
        self.fx("org")
        return self._plan("jinghe")

    @cached_property
    def own_project(self):
        return self.fx("register")().code

    @cached_property
    def other_project(self):
        from tongban.projects import services

        self.own_project  # noqa: B018  (classes, enterprise)
        leader, firm = self.fx("leader"), self.fx("enterprise")
        self.fx("jh_agent")
        services.agreement_sign(actor=leader, center_code="jinghe", credit_code=firm.credit_code,
                                signed_on=date(2023, 2, 3), scope="帮办代办", agent_username="jh_agent",
                                contacts=[services.ContactInput(name="钱工", phone="13900000002", title="经理")])
        return services.project_register(actor=self.fx("jh_agent"), code=SECOND_CODE, name="泾河厂房",
                                         credit_code=firm.credit_code, center_code="jinghe",
                                         location="泾河新城", class_code="simple-low-risk").code

    @cached_property
    def other_license(self):
        lic = self.fx("business_license")
        lic.source_case_number = self.other_case
        lic.save(update_fields=["source_case_number"])
        return lic.identifier

    @cached_property
    def idonly_item(self):
        self.fx("org")
        self.fx("refdata")
        demo_item(HOUSING_FUND_ITEM)
        return HOUSING_FUND_ITEM

    def lookup_of_current(self):
        from tongban.idonly import services
        from tongban.idonly.models import Lookup

        clerk = self.fx("fd_clerk")
        lookup = services.lookup_run(actor=clerk, id_number=RETIRED[0], name=RETIRED[1], item_code=self.idonly_item,
                                     consent=True, purpose="办理公积金提取")
        Lookup.objects.filter(pk=lookup.pk).update(created_by=self.current)
        return lookup.token


def _personas(request) -> dict[str, object]:
    request.getfixturevalue("org")
    return {R.CLERK: request.getfixturevalue("fd_clerk"), R.APPROVER: request.getfixturevalue("fd_approver"),
            R.AGENT: request.getfixturevalue("fd_agent"), R.CENTER_ADMIN: request.getfixturevalue("fd_admin"),
            R.LEADER: request.getfixturevalue("leader")}


def _tongban_models():
    tables = set(connection.introspection.table_names())  # e.g. no stats_dailyfigure in the test database
    return [m for m in apps.get_models() if m.__module__.startswith("tongban.") and m._meta.db_table in tables]


def _state() -> dict:
    """Row counts of every tongban table, and the states that a refused act must leave alone."""
    from tongban.licenses.models import License
    from tongban.projects.models import ProjectStage
    from tongban.service.models import DutyShift, HotlineOrder, QueueTicket

    snap = {m._meta.label: m._default_manager.count() for m in _tongban_models()}
    snap["case states"] = sorted(Case.objects.values_list("number", "state", "version", "extension_days"))
    snap["rectifications"] = sorted(Rectification.objects.values_list("pk", "state"))
    snap["work orders"] = sorted(HotlineOrder.objects.values_list("pk", "state"))
    snap["tickets"] = sorted(QueueTicket.objects.values_list("pk", "state"))
    snap["shifts"] = sorted(DutyShift.objects.values_list("pk", flat=True))
    snap["stages"] = sorted(ProjectStage.objects.values_list("pk", "state"))
    snap["licenses"] = sorted(License.objects.values_list("pk", "status"))
    return snap


def _diff(before: dict, after: dict) -> list[str]:
    return [k for k in before if before[k] != after.get(k)]


@pytest.fixture
def forbidden_raised(monkeypatch):
    """Every `Forbidden` raised (the policy's refusal), also when a page catches it."""
    seen = []
    original = errors.Forbidden.__init__

    def record(self, *args, **kwargs):
        seen.append(kwargs.get("code") or "forbidden")
        original(self, *args, **kwargs)

    monkeypatch.setattr(errors.Forbidden, "__init__", record)
    return seen


def _value(v, c):
    return v(c) if callable(v) else v


def _call(client, method, url, body):
    if method == "get":
        return client.get(url, body or {})
    if method == "json":
        return client.post(url, data=json.dumps(body or {}), content_type="application/json")
    return client.post(url, body or {})


def _refused(row: Row, response, forbidden: bool) -> str | None:
    """None if the response is the row's denial, else what was wrong."""
    s = response.status_code
    if row.denial == D403 and s == 403:
        return None
    if row.denial == D404 and s == 404:
        return None
    if row.denial == FORM and s == 400 and forbidden:
        return None
    if row.denial == BACK and s == 302 and forbidden and "/login" not in response["Location"]:
        return None
    if row.denial == HOME and s == 302 and response["Location"].rstrip("/").endswith("/workbench"):
        return None
    return f"{s} (forbidden raised: {forbidden})"


def _messages(response) -> list[str]:
    try:
        return [str(m) for m in get_messages(response.wsgi_request)]
    except Exception:  # noqa: BLE001
        return []


def _ids():
    return [f"{e} [{row.variant}]" if row.variant else e for e, row in CELLS]


@pytest.mark.parametrize(("endpoint", "row"), CELLS, ids=_ids())
def test_each_role_gets_what_its_row_says(db, request, client, forbidden_raised, endpoint, row):
    personas = _personas(request)
    c = Context(request)
    problems = []
    for role in Role.values:
        user = personas[role]
        c.current = user
        client.force_login(user)
        url, body = _value(row.url, c), _value(row.body, c)
        before = _state()
        forbidden_raised.clear()
        response = _call(client, row.method, url, body)
        forbidden = bool(forbidden_raised)
        if role in row.allowed:
            if response.status_code in (401, 403) or forbidden or response.status_code >= 500:
                problems.append(f"{role} (allowed) got {response.status_code}, forbidden raised: {forbidden}: "
                                f"{response.content[:200]!r} {_messages(response)}")
        else:
            wrong = _refused(row, response, forbidden)
            changed = _diff(before, _state())
            if wrong:
                problems.append(f"{role} (not allowed) got {wrong} instead of {row.denial}: "
                                f"{response.content[:200]!r} {_messages(response)}")
            if changed:
                problems.append(f"{role} (not allowed) changed {changed}")
    assert not problems, f"{endpoint} [{row.variant}]:\n" + "\n".join(problems)


OTHER_CELLS = [(e, row) for e, row in CELLS if row.other]


def _other_ids():
    return [f"{e} [{row.variant}]" if row.variant else e for e, row in OTHER_CELLS]


@pytest.mark.parametrize(("endpoint", "row"), OTHER_CELLS, ids=_other_ids())
def test_allowed_roles_of_fengdong_are_refused_on_a_jinghe_object(db, request, client, endpoint, row):
    """The leader sees every center of the region (org.scoping), so is not in this sweep."""
    personas = _personas(request)
    c = Context(request)
    problems = []
    for role in sorted(row.allowed - {R.LEADER}):
        c.current = personas[role]
        client.force_login(personas[role])
        url, body = row.other(c)
        before = _state()
        response = _call(client, row.method, url, body)
        changed = _diff(before, _state())
        ok = response.status_code in (403, 404)
        if row.denial == BACK:  # the project page: a project of 泾河 is not found
            ok = response.status_code == 404
        if row.other_code:
            ok = ok and response.json().get("code") == row.other_code
        if not ok:
            problems.append(f"{role} on {url}: {response.status_code} {response.content[:200]!r} {_messages(response)}")
        if changed:
            problems.append(f"{role} on {url} changed {changed}")
    assert not problems, f"{endpoint} [{row.variant}] on 泾河:\n" + "\n".join(problems)


def test_statistics_of_a_center_admin_hold_no_jinghe_case(client, fd_admin, two_cases):  # noqa: F811
    """Statistics are the one ROLES read without an object: asking for 泾河 by filter gives nothing."""
    client.force_login(fd_admin)
    page = client.get("/stats/cases/?metric=received&center=jinghe")
    assert page.status_code == 200
    text = page.content.decode()
    assert not any(two_cases["other"][k].number in text for k in ("case", "refused", "accepted"))
    own = client.get("/stats/cases/?metric=received").content.decode()
    assert two_cases["own"]["case"].number in own

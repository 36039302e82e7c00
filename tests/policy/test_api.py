"""The policy API as the portal, a clerk, an approver and the leader use it."""

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.policy import payouts


def test_anyone_can_search_measures_with_few_queries(client, document):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/policy/measures", {"size": "small"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"][0]["tags"] == {"industry": ["C"], "size": ["small", "medium"], "location": ["fengdong"]}
    assert len(queries) <= 3


def test_the_payout_flow_over_the_api_and_its_errors(client, make_programme, make_enterprise, fd_clerk,
                                                      fd_approver, leader):
    programme = make_programme()
    firm = make_enterprise()
    client.force_login(fd_clerk)
    url = f"/api/policy/programmes/{programme.code}/claims"
    claim = client.post(url, {"credit_code": firm.credit_code}, content_type="application/json")
    assert claim.status_code == 201 and claim.json()["state"] == "applied"
    again = client.post(url, {"credit_code": firm.credit_code}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "claim_duplicate")
    claim_id = claim.json()["id"]

    client.force_login(fd_approver)
    over = client.post(f"/api/policy/claims/{claim_id}/review", {"amount": "99999999"},
                       content_type="application/json")
    assert (over.status_code, over.json()["code"]) == (400, "amount_over_cap")
    reviewed = client.post(f"/api/policy/claims/{claim_id}/review", {}, content_type="application/json")
    assert reviewed.json()["notice_until"] == "2023-06-12"

    client.force_login(leader)
    early = client.post(f"/api/policy/claims/{claim_id}/pay", {}, content_type="application/json")
    assert (early.status_code, early.json()["code"]) == (409, "notice_period_running")
    with time_machine.travel("2023-06-13 10:00 +0800", tick=True):
        client.force_login(leader)  # a new day, a new session
        paid = client.post(f"/api/policy/claims/{claim_id}/pay", {"payment_reference": "BANK-9"},
                           content_type="application/json")
    assert paid.status_code == 201 and paid.json()["amount"] == "40000.00"
    totals = client.get("/api/policy/ledger/totals", {"by": "programme"}).json()
    assert totals == [{"key": programme.code, "total": "40000.00", "payouts": 1, "reversals": 0}]


def test_a_no_application_match_is_confirmed_by_the_enterprise_without_signing_in(client, make_programme,
                                                                                   make_enterprise, fd_approver):
    programme = make_programme(code="auto", no_application=True)
    make_enterprise()
    run = payouts.programme_match_run(actor=fd_approver, programme_code=programme.code)
    token = run.tokens[run.claims[0].id]
    response = client.post("/api/policy/claims/confirm", {"token": token}, content_type="application/json")
    assert (response.status_code, response.json()["state"]) == (200, "confirmed")
    bad = client.post("/api/policy/claims/confirm", {"token": "guess"}, content_type="application/json")
    assert bad.status_code == 404


def test_staff_endpoints_need_a_sign_in_and_the_leader_sees_completion(client, leader, departments):
    assert client.get("/api/policy/tasks").status_code == 401
    client.force_login(leader)
    assert client.get("/api/policy/tasks/by-department").json() == []


def test_the_portal_lists_measures_for_everyone(client, document):
    response = client.get("/policy/measures/", {"q": "纳税"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "对纳税贡献突出的企业按上年度纳税额给予奖励" in page
    assert "对新认定的高新技术企业给予一次性奖励" not in page

"""Two real deployments on loopback (Xixian 611100 and Xianyang 610400): separate processes,
databases and keys, exchanging signed messages over HTTP. Slow: about a minute."""

import json
import subprocess
import uuid

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests import factories
from tests.federation.deployments import make_pair
from tongban.core.canonical import canonical_bytes
from tongban.federation import jws

pytestmark = pytest.mark.slow

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CHECKS = {"form_reviewed": True, "identity_verified": True, "originals_authentic": True, "note": "原件已核验"}


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    base = tmp_path_factory.mktemp("federation")
    crash_flag = base / "crash-once"
    a, b = make_pair(base, TONGBAN_FEDERATION_CRASH_ONCE_FILE=str(crash_flag))
    b.crash_flag = crash_flag
    yield a, b
    a.close()
    b.close()


def receive(side, clerk, *, delivery_method="pickup"):
    """The receiving clerk files a housing-fund application for the partner's jurisdiction."""
    return side.file_case(
        clerk, "GJJ-0006",
        {"kind": "person", "name": "王小明", "id_number": factories.id_number(), "phone": "13800138000"},
        [{"name": "住房公积金提取申请表", "status": "received", "file": 0},
         {"name": "居民身份证", "status": "exempted", "exemption_reason": "共享数据"},
         {"name": "住房公积金个人账户信息", "status": "exempted", "exemption_reason": "共享数据"},
         {"name": "医疗机构诊断证明", "status": "received", "file": 1},
         {"name": "医疗费用票据", "status": "received", "file": 2}],
        files=[("form.pdf", PDF + b"%1", "application/pdf"), ("diag.pdf", PDF + b"%2", "application/pdf"),
               ("bill.pdf", PDF + b"%3", "application/pdf")],
        delivery_method=delivery_method,
    )["number"]


def forward(side, clerk, number):
    status, link = side.api("POST", f"/api/federation/cases/{number}/forward", clerk, CHECKS)
    assert status == 200, link
    return link


def link_of(side, user, number):
    status, link = side.api("GET", f"/api/federation/cases/{number}", user)
    assert status == 200, link
    return link


def case(side, user, number):
    status, body = side.api("GET", f"/api/cases/{number}", user)
    assert status == 200, body
    return body


def home_cases(b):
    status, page = b.api("GET", "/api/cases?limit=200", "xy_clerk")
    assert status == 200
    return page["items"]


def test_a_case_received_in_xixian_is_approved_in_xianyang_and_the_clerk_sees_the_result(pair):
    a, b = pair
    number = receive(a, "fd_clerk")
    forward(a, "fd_clerk", number)
    assert a.send()["delivered"] == 1
    home = link_of(a, "fd_clerk", number)["remote_number"]
    assert home.startswith("610400-")
    at_home = case(b, "xy_clerk", home)
    assert (at_home["channel"], at_home["center"], at_home["state"]) == ("cross_region", "xianyang", "submitted")
    assert [m["name"] for m in at_home["materials"]] == [m["name"] for m in case(a, "fd_clerk", number)["materials"]]
    assert link_of(b, "xy_clerk", home)["origin_number"] == number

    b.act("xy_clerk", home, "accept")
    b.act("xy_approver", home, "start_review")
    b.act("xy_approver", home, "approve", note="准予提取住房公积金")
    b.act("xy_approver", home, "conclude")
    assert b.send()["delivered"] == 4

    seen = case(a, "fd_clerk", number)
    assert seen["state"] == "concluded" and seen["outcome_note"] == "准予提取住房公积金"
    assert [e["action"] for e in seen["events"]][-4:] == ["accept", "start_review", "approve", "conclude"]
    assert link_of(a, "fd_clerk", number)["remote_state"] == "concluded"

    # the applicant chose to pick it up at the Xixian hall: handing it over closes both sides
    a.act("fd_clerk", number, "deliver", method="pickup")
    assert a.send()["delivered"] == 1
    assert case(b, "xy_clerk", home)["state"] == "delivered"


def test_a_case_received_in_xianyang_travels_to_xixian_and_comes_back_with_the_tracking_number(pair):
    a, b = pair
    number = receive(b, "xy_clerk", delivery_method="post")
    forward(b, "xy_clerk", number)
    assert b.send()["delivered"] == 1
    home = link_of(b, "xy_clerk", number)["remote_number"]
    assert home.startswith("611100-") and case(a, "fd_clerk", home)["center"] == "fengdong"
    a.act("fd_clerk", home, "accept")
    a.act("fd_approver", home, "start_review")
    a.act("fd_approver", home, "approve", note="准予")
    a.act("fd_approver", home, "conclude")
    a.act("fd_clerk", home, "deliver", method="post", reference="EMS1234567890")
    assert a.send()["delivered"] == 5
    seen = case(b, "xy_clerk", number)
    assert (seen["state"], seen["delivery_method"], seen["delivery_reference"]) == ("delivered", "post", "EMS1234567890")


def test_a_partner_that_is_down_gets_the_case_once_it_is_back(pair):
    a, b = pair
    before = len(home_cases(b))
    b.stop()
    try:
        number = receive(a, "fd_clerk")
        forward(a, "fd_clerk", number)
        assert a.send() == {"delivered": 0, "rejected": 0, "failed": 1}
        messages = link_of(a, "fd_clerk", number)["messages"]
        assert messages[0]["status"] == "pending" and messages[0]["attempts"] == 1
    finally:
        b.start()
    import time

    time.sleep(0.5)  # the test deployments back off 0.2 s, 0.4 s, ... (production: 5 s doubling to 1 h)
    assert a.send()["delivered"] == 1
    assert a.send()["delivered"] == 0
    assert len(home_cases(b)) == before + 1


def _post_inbox(b, token):
    status, body = b.api("POST", "/api/federation/inbox", body={"messages": [token]})
    assert status == 200, body
    return body["acks"][0]


def test_replayed_tampered_and_unknown_key_messages_are_rejected_and_the_log_verifies(pair, tmp_path):
    a, b = pair
    before = len(home_cases(b))
    export = tmp_path / "xixian-log.jsonl"
    a.cli("federation", "export-log", "--out", str(export), "--direction", "out")
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    token = next(line["jws"] for line in lines if line["kind"] == "case.forward" and line["status"] == "delivered")

    replay = _post_inbox(b, token)
    assert replay["status"] == "duplicate"

    header, body, sig = token.split(".")
    payload = json.loads(jws.b64url_decode(body))
    payload["body"]["applicant"]["name"] = "李四"
    payload["id"] = str(uuid.uuid4())
    tampered = _post_inbox(b, f"{header}.{jws.b64url(canonical_bytes(payload))}.{sig}")
    assert (tampered["status"], tampered["code"]) == ("rejected", "bad_signature")

    stranger = ec.generate_private_key(ec.SECP256R1())
    forged_header = jws.b64url(canonical_bytes({"alg": "ES256", "kid": "platform-p256-stranger", "typ": jws.TYP}))
    forged_body = jws.b64url(canonical_bytes(payload))
    raw_sig = stranger.sign(f"{forged_header}.{forged_body}".encode(), ec.ECDSA(hashes.SHA256()))
    from tongban.signing.gm import der_to_raw

    forged = _post_inbox(b, f"{forged_header}.{forged_body}.{jws.b64url(der_to_raw(raw_sig))}")
    assert (forged["status"], forged["code"]) == ("rejected", "unknown_key")
    assert len(home_cases(b)) == before, "nothing was created"

    # Xianyang's log keeps all of it; an auditor verifies it offline with both public keys
    b_export = tmp_path / "xianyang-log.jsonl"
    b.cli("federation", "export-log", "--out", str(b_export))
    reasons = {json.loads(line)["reason"] for line in b_export.read_text().splitlines()}
    assert {"duplicate", "bad_signature", "unknown_key"} <= reasons
    ok = b.cli("federation", "verify-log", str(b_export), "--key", str(a.var / "key.pem"),
               "--key", str(b.var / "key.pem"))
    assert "OK" in ok.stdout and " 0 failures" in ok.stdout
    doctored = tmp_path / "doctored.jsonl"
    rows = [json.loads(line) for line in b_export.read_text().splitlines()]
    victim = next(r for r in rows if r["status"] == "accepted")
    h, p, s = victim["jws"].split(".")
    victim["jws"] = f"{h}.{jws.b64url(jws.b64url_decode(p).replace('王小明'.encode(), '王大明'.encode()))}.{s}"
    doctored.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    bad = b.cli("federation", "verify-log", str(doctored), "--key", str(a.var / "key.pem"), check=False)
    assert bad.returncode != 0 and "FAIL" in bad.stdout

    # and with no platform code at all: openssl checks an ES256 message against the exported PEM
    h, p, s = token.split(".")
    raw = jws.b64url_decode(s)
    r, s_ = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    (tmp_path / "msg").write_bytes(f"{h}.{p}".encode())
    (tmp_path / "msg.sig").write_bytes(encode_dss_signature(r, s_))
    result = subprocess.run(["openssl", "dgst", "-sha256", "-verify", str(a.var / "key.pem"), "-signature",
                             str(tmp_path / "msg.sig"), str(tmp_path / "msg")], capture_output=True, text=True)
    assert "Verified OK" in result.stdout, result.stderr
    serialization.load_pem_public_key((a.var / "key.pem").read_bytes())  # the PEM is standard too


def test_a_crash_between_receipt_and_acknowledgement_makes_no_duplicate(pair):
    a, b = pair
    before = len(home_cases(b))
    number = receive(a, "fd_clerk")
    forward(a, "fd_clerk", number)
    b.crash_flag.write_text("crash once")
    assert a.send()["failed"] == 1, "the home side committed the case, then died before acknowledging"
    assert not b.crash_flag.exists()
    assert len(home_cases(b)) == before + 1
    b.wait_up()  # gunicorn replaces the dead worker
    import time

    time.sleep(0.5)
    assert a.send()["delivered"] == 1
    assert len(home_cases(b)) == before + 1
    home = link_of(a, "fd_clerk", number)["remote_number"]
    assert link_of(b, "xy_clerk", home)["origin_number"] == number


def test_after_the_agreement_expires_forwards_are_rejected_and_the_clerk_is_told(pair, tmp_path):
    a, b = pair
    expired = tmp_path / "expired.yaml"
    from tongban.federation.demo import AGREEMENT_FILE

    expired.write_text(AGREEMENT_FILE.read_text(encoding="utf-8").replace("valid_until: null", "valid_until: 2024-08-01"),
                       encoding="utf-8")
    b.cli("federation", "agreement", "import", str(expired))
    before = len(home_cases(b))
    number = receive(a, "fd_clerk")
    forward(a, "fd_clerk", number)
    assert a.send()["rejected"] == 1
    assert len(home_cases(b)) == before
    events = case(a, "fd_clerk", number)["events"]
    assert events[-1]["action"] == "crossregion_rejected" and "agreement_expired" in events[-1]["note"]
    assert link_of(a, "fd_clerk", number)["remote_state"] == "rejected"

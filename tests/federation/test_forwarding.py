"""Receiving side: the clerk's three checks, the signed message written with the case change,
and the sender that waits out a partner that is down and delivers each message once."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests import factories
from tests.federation.conftest import PDF
from tongban.cases.applicants import ApplicantInput
from tongban.cases.models import CaseEvent
from tongban.cases.services import MaterialInput, UploadInput, case_accept, case_submit
from tongban.core.errors import Conflict, Forbidden, InvalidInput
from tongban.federation import jws
from tongban.federation.forwarding import Checks, crossregion_forward
from tongban.federation.messages import token_of
from tongban.federation.models import CrossRegionLink, Message
from tongban.federation.outbox import outbox_send

ALL_CHECKS = Checks(form_reviewed=True, identity_verified=True, originals_authentic=True, note="原件已核")


def file_case(clerk, *, channel="cross_region", id_number=None):
    return case_submit(
        actor=clerk, item_code="GJJ-9001", channel=channel, delivery_method="pickup",
        applicant=ApplicantInput(kind="person", name="王小明", id_number=id_number or factories.id_number(),
                                 phone="13800138000"),
        materials=[MaterialInput(name="居民身份证", status="exempted", exemption_reason="共享数据"),
                   MaterialInput(name="医疗机构诊断证明", file=UploadInput(name="d.pdf", data=PDF,
                                                                           content_type="application/pdf"))],
    )


class Xianyang:
    """A fake partner endpoint: acknowledges (signed with the partner's key) or is down."""

    def __init__(self, signer):
        self.signer, self.up, self.received, self.reject = signer, True, [], set()

    def __call__(self, url, body, timeout):
        if not self.up:
            raise ConnectionRefusedError("connection refused")
        acks = []
        for token in json.loads(body)["messages"]:
            payload = jws.parse(token).payload
            seen = payload["id"] in [jws.parse(t).payload["id"] for t in self.received]
            self.received.append(token)
            status = "rejected" if payload["id"] in self.reject else ("duplicate" if seen else "accepted")
            ack = self.signer.sign({"v": 1, "id": payload["id"], "kind": "ack", "from": "610400", "to": "611100",
                                    "iat": timezone.now().isoformat(),
                                    "body": {"status": status, "code": "agreement_expired" if status == "rejected"
                                             else "", "case": "610400-20230904-000007"}})
            acks.append({"id": payload["id"], "status": status, "ack": ack})
        return 200, json.dumps({"acks": acks}).encode()


def test_forwarding_needs_all_three_checks(xianyang, fd_clerk):
    case = file_case(fd_clerk)
    with pytest.raises(InvalidInput) as exc:
        crossregion_forward(actor=fd_clerk, number=case.number,
                            checks=Checks(form_reviewed=True, identity_verified=True, originals_authentic=False))
    assert exc.value.field == "checks"
    assert not Message.objects.exists() and not CrossRegionLink.objects.exists()


def test_the_forward_message_carries_case_materials_and_checks_signed_by_this_deployment(xianyang, fd_clerk):
    case = file_case(fd_clerk)
    link = crossregion_forward(actor=fd_clerk, number=case.number, checks=ALL_CHECKS)
    assert (link.partner.region_code, link.role, link.origin_number) == ("610400", "receiving", case.number)
    message = Message.objects.get(direction="out")
    assert message.status == "pending" and message.case_number == case.number
    token = token_of(message)
    assert jws.sha256(token) == message.sha256
    from tongban.signing import platform_keys

    parsed = jws.parse(token)
    assert jws.verify(parsed, platform_keys.public_key(parsed.kid))
    body = parsed.payload["body"]
    assert parsed.payload["to"] == "610400" and body["agreement"] == "XXXY-TEST-01"
    assert body["checks"]["originals_authentic"] and body["checks"]["by"] == "fd_clerk"
    assert [m["name"] for m in body["materials"]] == ["居民身份证", "医疗机构诊断证明"]
    assert body["materials"][1]["file"]["sha256"] == case.materials.get(name="医疗机构诊断证明").sha256
    assert bytes(message.jws_enc).find(body["applicant"]["id_number"].encode()) == -1, "encrypted at rest"
    assert CaseEvent.objects.filter(case=case, action="crossregion_forward").exists()


def test_a_case_is_forwarded_once_and_only_from_the_cross_region_channel(xianyang, fd_clerk, jh_clerk):
    window_case = file_case(fd_clerk, channel="window")
    with pytest.raises(InvalidInput):
        crossregion_forward(actor=fd_clerk, number=window_case.number, checks=ALL_CHECKS)
    case = file_case(fd_clerk)
    with pytest.raises(Exception) as other_center:
        crossregion_forward(actor=jh_clerk, number=case.number, checks=ALL_CHECKS)
    assert getattr(other_center.value, "code", "") == "case_not_found"
    crossregion_forward(actor=fd_clerk, number=case.number, checks=ALL_CHECKS)
    with pytest.raises(Conflict):
        crossregion_forward(actor=fd_clerk, number=case.number, checks=ALL_CHECKS)
    assert Message.objects.filter(direction="out").count() == 1


def test_an_item_outside_any_agreement_is_not_forwarded(xianyang, fd_clerk):
    case = case_submit(actor=fd_clerk, item_code="SB-9003", channel="cross_region",
                       applicant=ApplicantInput(kind="person", name="王小明", id_number=factories.id_number()),
                       materials=[])
    with pytest.raises(InvalidInput, match="没有有效协议"):
        crossregion_forward(actor=fd_clerk, number=case.number, checks=ALL_CHECKS)


def test_the_outbox_row_commits_with_the_case_change_or_not_at_all(xianyang, fd_clerk, monkeypatch):
    from tongban.federation import forwarding

    case = file_case(fd_clerk)
    monkeypatch.setattr(forwarding, "audit_record", lambda **kw: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        crossregion_forward(actor=fd_clerk, number=case.number, checks=ALL_CHECKS)
    assert not Message.objects.exists() and not CrossRegionLink.objects.exists()
    case.refresh_from_db()
    assert case.version == 1


def test_a_partner_down_for_hours_gets_every_message_once_when_it_returns(xianyang, fd_clerk):
    partner = Xianyang(xianyang)
    partner.up = False
    numbers = [file_case(fd_clerk).number for _ in range(3)]
    for n in numbers:
        crossregion_forward(actor=fd_clerk, number=n, checks=ALL_CHECKS)
    start = timezone.now()
    delays = []
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(14):  # retries back off: 5 s, 10 s, ... capped at an hour
            assert outbox_send(transport=partner) == {"delivered": 0, "rejected": 0, "failed": 3}
            first = Message.objects.order_by("id").first()
            delays.append((first.next_attempt_at - timezone.now()).total_seconds())
            assert outbox_send(transport=partner)["failed"] == 0, "nothing is sent before the backoff ends"
            clock.move_to(first.next_attempt_at + timedelta(seconds=1))
        assert 4.9 < delays[0] < 6 and delays[1] > delays[0] * 1.8 and 3599 < delays[-1] <= 3960
        partner.up = True
        assert outbox_send(transport=partner) == {"delivered": 3, "rejected": 0, "failed": 0}
        assert outbox_send(transport=partner) == {"delivered": 0, "rejected": 0, "failed": 0}
    sent = [jws.parse(t).payload["body"]["origin"]["number"] for t in partner.received]
    assert sent == numbers, "in order, each once"
    link = CrossRegionLink.objects.get(origin_number=numbers[0])
    assert link.remote_number == "610400-20230904-000007"
    assert CaseEvent.objects.filter(case__number=numbers[0], action="crossregion_received_by_home").exists()


def test_a_rejection_by_the_partner_is_final_and_shown_on_the_case(xianyang, fd_clerk):
    partner = Xianyang(xianyang)
    case = file_case(fd_clerk)
    crossregion_forward(actor=fd_clerk, number=case.number, checks=ALL_CHECKS)
    partner.reject.add(Message.objects.get().message_id)
    assert outbox_send(transport=partner)["rejected"] == 1
    message = Message.objects.get()
    assert (message.status, message.reason) == ("rejected", "agreement_expired")
    assert CaseEvent.objects.filter(case=case, action="crossregion_rejected").exists()
    assert outbox_send(transport=partner) == {"delivered": 0, "rejected": 0, "failed": 0}


def test_an_unsigned_or_forged_acknowledgement_does_not_count_as_delivery(xianyang, fd_clerk):
    from tests.federation.conftest import PartnerSigner

    case = file_case(fd_clerk)
    crossregion_forward(actor=fd_clerk, number=case.number, checks=ALL_CHECKS)
    assert outbox_send(transport=Xianyang(PartnerSigner()))["failed"] == 1
    assert Message.objects.get().status == "pending"


def test_home_side_transitions_flow_back_and_mirrored_ones_do_not_echo(xianyang, fd_clerk):
    from tests.federation.conftest import forward_payload
    from tongban.federation.receipt import inbox_receive

    ack = inbox_receive(xianyang.sign(forward_payload(id_number=factories.id_number())))
    case_accept(actor=fd_clerk, number=ack.case_number)
    status = Message.objects.get(direction="out")
    body = jws.parse(token_of(status)).payload["body"]
    assert (status.kind, body["action"], body["state"]) == ("case.status", "accept", "accepted")
    assert body["origin"] == {"region": "610400", "number": "610400-20230904-000001"}
    # Xianyang (the receiving side here) reports that the applicant withdrew: mirrored, not echoed
    payload = {"v": 1, "id": "b3c1f3a0-0000-4000-8000-000000000001", "kind": "case.status", "from": "610400",
               "to": "611100", "iat": timezone.now().isoformat(),
               "body": {"origin": body["origin"], "case": "610400-20230904-000001", "action": "withdraw",
                        "state": "withdrawn", "seq": 3, "by": "xy_clerk", "note": "申请人撤回", "outcome_note": "",
                        "delivery": {}, "data": {}}}
    assert inbox_receive(xianyang.sign(payload)).status == "accepted"
    from tongban.cases.models import Case

    assert Case.objects.get(number=ack.case_number).state == "withdrawn"
    assert Message.objects.filter(direction="out").count() == 1


def test_only_front_desk_staff_forward(xianyang, fd_clerk, fd_approver):
    case = file_case(fd_clerk)
    with pytest.raises(Forbidden):
        crossregion_forward(actor=fd_approver, number=case.number, checks=ALL_CHECKS)

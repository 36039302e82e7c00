"""Home side: a partner's signed forward becomes one local case; anything wrong creates nothing
and is logged with its reason."""

import pytest

from tests import factories
from tests.federation.conftest import AGREEMENT, PartnerSigner, forward_payload, tamper
from tongban.cases.models import Case, CaseEvent
from tongban.federation import jws
from tongban.federation.models import CrossRegionLink, Message
from tongban.federation.receipt import inbox_receive
from tongban.federation.registry import agreement_import
from tongban.signing import platform_keys


def our_ack(ack) -> dict:
    parsed = jws.parse(ack.token)
    assert jws.verify(parsed, platform_keys.public_key(parsed.kid)), "acks are signed by this deployment"
    return parsed.payload["body"]


def nothing_created():
    assert Case.objects.count() == 0 and CrossRegionLink.objects.count() == 0


def test_a_forwarded_application_becomes_a_linked_cross_region_case(xianyang):
    id_number = factories.id_number()
    ack = inbox_receive(xianyang.sign(forward_payload(id_number=id_number)))
    assert ack.status == "accepted" and our_ack(ack)["status"] == "accepted"
    case = Case.objects.get(number=ack.case_number)
    assert case.channel == "cross_region" and case.center.code == "fengdong" and case.state == "submitted"
    assert case.applicant.name == "赵敏" and case.applicant.id_number_masked.endswith(id_number[-4:])
    assert case.delivery_method == "post"
    assert {m.name: m.status for m in case.materials.all()} == {"居民身份证": "exempted", "医疗机构诊断证明": "received"}
    link = case.crossregion
    assert (link.role, link.origin_region, link.origin_number) == ("home", "610400", "610400-20230904-000001")
    assert link.checks["identity_verified"] is True
    assert CaseEvent.objects.filter(case=case, action="crossregion_receive").exists()
    logged = Message.objects.get(direction="in")
    assert (logged.status, logged.case_number) == ("accepted", case.number)


def test_the_same_message_again_is_acknowledged_but_creates_nothing_more(xianyang):
    token = xianyang.sign(forward_payload(id_number=factories.id_number()))
    first = inbox_receive(token)
    again = inbox_receive(token)
    assert again.status == "duplicate" and again.case_number == first.case_number
    assert Case.objects.count() == 1
    assert list(Message.objects.filter(direction="in").order_by("id").values_list("status", flat=True)) == [
        "accepted", "duplicate"]


def test_the_same_application_under_a_new_message_id_is_still_one_case(xianyang):
    id_number = factories.id_number()
    first = inbox_receive(xianyang.sign(forward_payload(id_number=id_number)))
    second = inbox_receive(xianyang.sign(forward_payload(id_number=id_number)))
    assert second.status == "accepted" and second.case_number == first.case_number
    assert Case.objects.count() == 1


@pytest.mark.parametrize("make_token, code", [
    (lambda s: tamper(s.sign(forward_payload(id_number=factories.id_number())), name="李四"), "bad_signature"),
    (lambda s: PartnerSigner(kid="platform-p256-stranger").sign(forward_payload(id_number=factories.id_number())),
     "unknown_key"),
    (lambda s: PartnerSigner().sign(forward_payload(id_number=factories.id_number())), "bad_signature"),
    (lambda s: s.sign(forward_payload(id_number=factories.id_number(), item="SB-9003")), "item_not_agreed"),
    (lambda s: s.sign(forward_payload(id_number=factories.id_number(), agreement="NO-SUCH")), "agreement_unknown"),
    (lambda s: s.sign(forward_payload(id_number=factories.id_number(), iat="2023-08-01T01:00:00+00:00")),
     "agreement_expired"),
    (lambda s: s.sign(forward_payload(id_number=factories.id_number(), to="610100")), "wrong_recipient"),
    (lambda s: "not.a-jws", "malformed"),
], ids=["tampered", "unknown-key", "same-kid-other-key", "item-outside-agreement", "unknown-agreement",
        "before-agreement", "wrong-recipient", "garbage"])
def test_bad_messages_are_rejected_with_a_logged_reason_and_create_nothing(xianyang, make_token, code):
    ack = inbox_receive(make_token(xianyang))
    assert (ack.status, ack.code) == ("rejected", code)
    assert our_ack(ack)["code"] == code
    nothing_created()
    logged = Message.objects.get(direction="in")
    assert (logged.status, logged.reason) == ("rejected", code)


def test_an_expired_agreement_rejects_new_forwards(xianyang):
    agreement_import(text=AGREEMENT.format(until="2023-08-31"))
    ack = inbox_receive(xianyang.sign(forward_payload(id_number=factories.id_number())))
    assert (ack.status, ack.code) == ("rejected", "agreement_expired")
    nothing_created()


def test_a_revoked_partner_key_is_unknown(xianyang):
    from tongban.federation.registry import partner_key_revoke

    partner_key_revoke(region_code="610400", kid=xianyang.kid)
    ack = inbox_receive(xianyang.sign(forward_payload(id_number=factories.id_number())))
    assert ack.code == "unknown_key"
    nothing_created()


def test_a_crash_half_way_through_receipt_leaves_nothing_and_the_retry_makes_one_case(xianyang, monkeypatch):
    from tongban.federation import receipt

    token = xianyang.sign(forward_payload(id_number=factories.id_number()))
    real = receipt.event_record

    def crash(**kwargs):
        raise SystemExit("power cut")  # after the case is written, before the receipt commits

    monkeypatch.setattr(receipt, "event_record", crash)
    with pytest.raises(SystemExit):
        inbox_receive(token)
    nothing_created()
    assert not Message.objects.filter(direction="in").exists()
    monkeypatch.setattr(receipt, "event_record", real)
    assert inbox_receive(token).status == "accepted"
    assert inbox_receive(token).status == "duplicate"
    assert Case.objects.count() == 1


def test_a_repeat_after_the_agreement_lapsed_still_gets_its_original_answer(xianyang):
    """The first acknowledgement was lost; meanwhile the agreement lapsed. The sender must hear
    'duplicate' (the case exists), not 'rejected'."""
    token = xianyang.sign(forward_payload(id_number=factories.id_number()))
    first = inbox_receive(token)
    agreement_import(text=AGREEMENT.format(until="2023-08-31"))
    again = inbox_receive(token)
    assert (again.status, again.case_number) == ("duplicate", first.case_number)

"""Partners, agreements, the auditors' log and the statistics counts."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories
from tests.federation.conftest import AGREEMENT, forward_payload
from tongban.core.errors import InvalidInput
from tongban.federation import jws
from tongban.federation.models import Agreement
from tongban.federation.receipt import inbox_receive
from tongban.federation.registry import agreement_import, own_key_pem, partner_add
from tongban.federation.selectors import crossregion_counts


def test_an_agreement_file_is_imported_for_the_other_party_and_reimported_by_code(xianyang):
    agreement = Agreement.objects.get()
    assert (agreement.partner.region_code, agreement.home_center.code) == ("610400", "fengdong")
    assert sorted(agreement.items.values_list("item_code", flat=True)) == ["CJ-9002", "GJJ-9001"]
    agreement_import(text=AGREEMENT.format(until="2024-12-31").replace("items: [GJJ-9001, CJ-9002]", "items: [CJ-9002]"))
    agreement.refresh_from_db()
    assert agreement.valid_until == date(2024, 12, 31)
    assert list(agreement.items.values_list("item_code", flat=True)) == ["CJ-9002"]


@pytest.mark.parametrize("change, field", [
    (("items: [GJJ-9001, CJ-9002]", "items: [NOPE-1]"), "items"),
    (("items: [GJJ-9001, CJ-9002]", "items: [SB-9003]"), "items"),
    (('parties: ["611100", "610400"]', 'parties: ["610400", "610100"]'), "parties"),
    (("valid_from: 2023-08-02", "valid_from: 2023-13-02"), "valid_from"),
])
def test_a_wrong_agreement_file_names_the_problem(xianyang, change, field):
    from tongban.catalog.services import item_revise

    if "SB-9003" in change[1]:  # an item that is not flagged cross-region eligible
        from tongban.catalog.selectors import item_get_current
        from tongban.catalog.services import ItemSpec, MaterialSpec

        v = item_get_current(code="SB-9003")
        item_revise(code="SB-9003", spec=ItemSpec(name=v.name, category=v.category, department="housing_fund",
                                                  legal_limit_days=1, promised_limit_days=0, cross_region=False,
                                                  materials=[MaterialSpec(name="居民身份证")]))
    with pytest.raises(InvalidInput) as exc:
        agreement_import(text=AGREEMENT.format(until="null").replace(*change))
    assert exc.value.field == field


def test_a_partner_key_cannot_be_swapped_under_the_same_key_id(xianyang):
    from tests.federation.conftest import PartnerSigner

    impostor = PartnerSigner(kid=xianyang.kid)
    with pytest.raises(InvalidInput):
        partner_add(region_code="610400", url="http://127.0.0.1:9", key=jws.parse_pem(impostor.pem))


def test_the_exported_key_is_a_standard_pem_with_its_key_id(db):
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    pem = own_key_pem()
    assert pem.startswith("kid: platform-")
    load_pem_public_key(pem.encode())
    assert jws.parse_pem(pem).region == "611100"


def test_the_exported_log_verifies_offline_and_a_doctored_line_does_not(xianyang, tmp_path):
    for _ in range(2):
        inbox_receive(xianyang.sign(forward_payload(id_number=factories.id_number(),
                                                    origin_number=f"610400-20230904-00000{_}")))
    inbox_receive("garbage")
    export = tmp_path / "log.jsonl"
    call_command("federation", "export-log", "--out", str(export), stdout=StringIO())
    key = tmp_path / "xianyang.pem"
    key.write_text(xianyang.pem)
    out = StringIO()
    call_command("federation", "verify-log", str(export), "--key", str(key), stdout=out)
    assert "2 signatures verified, 1 logged as rejected" in out.getvalue() and "OK" in out.getvalue()

    rows = [json.loads(line) for line in export.read_text().splitlines()]
    rows[0]["sha256"] = "0" * 64
    export.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("federation", "verify-log", str(export), "--key", str(key), stdout=out)
    assert "SHA-256 does not match" in out.getvalue()


def test_statistics_count_each_application_once_by_its_origin(xianyang, fd_clerk):
    from tests.federation.test_forwarding import ALL_CHECKS, file_case
    from tongban.federation.forwarding import crossregion_forward

    for n in range(3):  # handled here for Xianyang, one of them delivered twice
        token = xianyang.sign(forward_payload(id_number=factories.id_number(), origin_number=f"610400-X-{n}"))
        inbox_receive(token)
    inbox_receive(token)
    crossregion_forward(actor=fd_clerk, number=file_case(fd_clerk).number, checks=ALL_CHECKS)
    september = crossregion_counts(start=date(2023, 9, 1), end=date(2023, 9, 30))
    assert september == {"received_for_partner": 1, "handled_for_partner": 3,
                         "by_partner": {"610400": {"received_for_partner": 1, "handled_for_partner": 3}}}
    assert crossregion_counts(start=date(2023, 10, 1), end=date(2023, 10, 31))["handled_for_partner"] == 0

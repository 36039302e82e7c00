"""The small cases change: a shared-data document attached to a case keeps its hash and time."""

import hashlib
import json
from datetime import UTC, datetime

from tests.cases.conftest import applicant
from tests.idonly.conftest import HOUSING_FUND_ITEM
from tongban.cases.models import CaseMaterial
from tongban.cases.services import MaterialInput, case_submit


def test_an_exempted_material_keeps_the_hash_and_the_time_of_its_document(items, fd_clerk):
    document = {"source": "housing_fund", "data_item": "account", "id_number": "610402196305120317",
                "name": "张建国", "record": {"balance": "186432.50"}}
    fetched_at = datetime(2023, 6, 5, 1, 29, 58, tzinfo=UTC)
    case_submit(actor=fd_clerk, item_code=HOUSING_FUND_ITEM, applicant=applicant(), id_only=True, materials=[
        MaterialInput(name="住房公积金个人账户信息", status="exempted", source="housing_fund/account",
                      exemption_reason="一证通办", data=document, received_at=fetched_at),
        MaterialInput(name="居民身份证", status="received"),
    ])
    exempted = CaseMaterial.objects.get(name="住房公积金个人账户信息")
    expected = hashlib.sha256(json.dumps(document, ensure_ascii=False, sort_keys=True,
                                         separators=(",", ":")).encode()).hexdigest()
    assert exempted.sha256 == expected and exempted.content_type == "application/json"
    assert exempted.received_at == fetched_at
    paper = CaseMaterial.objects.get(name="居民身份证")
    assert paper.sha256 == "" and paper.received_at > fetched_at

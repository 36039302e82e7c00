import pytest

from tests.signing.conftest import market, market_seal, nssdb, platform_ca  # noqa: F401
from tongban.licenses import demo
from tongban.licenses.services import license_issue

CREDIT_CODE = "91611100MA6TGKQ878"
DATA = {"type": "有限责任公司", "legal_representative": "张伟", "registered_capital": "伍佰万元整",
        "established": "2024年03月15日", "address": "陕西省西咸新区沣东新城科技路88号"}


@pytest.fixture
def business_type(db):
    return demo.ensure_types()


@pytest.fixture
def food_type(business_type):
    from tongban.licenses.models import LicenseType

    return LicenseType.objects.get(code="SPJY")


@pytest.fixture
def business_license(market_seal, business_type, market):  # noqa: F811
    return license_issue(license_type=business_type, holder_name="西安沣东示范科技有限公司",
                         holder_credit_code=CREDIT_CODE, data=DATA, issuer_department=market,
                         source_case_number="FD-2026-000123", actor=None)

"""Demo PKI: the platform CA and TSA, a platform signing key and the license seal of the
business-registration department (idempotent)."""

from tongban.catalog.services import department_ensure
from tongban.signing import platform_keys, selectors, services
from tongban.signing.models import SealKind

MARKET_NAME = "西咸新区行政审批服务局（市场准入）"
MARKET_SEAL = "MARKET-LIC-01"


def load() -> str:
    root = services.ca_ensure()
    key = platform_keys.key_ensure()
    market = department_ensure(code="market", name=MARKET_NAME)
    seal = selectors.seal_get(code=MARKET_SEAL)
    created = seal is None
    if created:
        seal = services.seal_create(department=market, code=MARKET_SEAL, kind=SealKind.LICENSE)
    return (f"CA {root.serial_number[:12]}…, platform key {key.kid}, seal {seal.code} "
            f"({'created' if created else 'present'})")

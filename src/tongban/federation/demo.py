"""Demo federation: the partner region (Xianyang for the Xixian deployment and vice versa) at
its default demo address, and the demo agreement. Keys are exchanged by the operator
(docs/federation.md): `tongban federation export-key` here, `partner add --key-file` there."""

from pathlib import Path

from tongban.federation import conf
from tongban.federation.models import Partner
from tongban.federation.registry import agreement_import, partner_add

AGREEMENT_FILE = Path(__file__).parent / "demo_data" / "agreement-xixian-xianyang.yaml"
DEMO_URLS = {"611100": "http://127.0.0.1:8000", "610400": "http://127.0.0.1:8001"}


def load() -> str:
    local = conf.local_region()
    if local not in DEMO_URLS:
        return "no demo partner for this region"
    partner_code = next(code for code in DEMO_URLS if code != local)
    if not Partner.objects.filter(region_code=partner_code).exists():
        partner_add(region_code=partner_code, url=DEMO_URLS[partner_code])
    agreement = agreement_import(text=AGREEMENT_FILE.read_text(encoding="utf-8"))
    return f"partner {partner_code}, agreement {agreement.code} ({agreement.items.count()} items)"

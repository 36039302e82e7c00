"""Demo catalog: the items in demo_data/items.yaml (idempotent: existing codes are kept)."""

from pathlib import Path

import yaml

from tongban.catalog.models import Item
from tongban.catalog.services import ItemSpec, MaterialSpec, department_ensure, item_create

DATA = Path(__file__).parent / "demo_data" / "items.yaml"


def spec_from_row(row: dict) -> ItemSpec:
    return ItemSpec(
        name=row["name"], category=row["category"], department=row["department"],
        subject=row.get("subject", "person"), legal_limit_days=row["legal_limit_days"],
        promised_limit_days=row["promised_limit_days"], fee=row.get("fee", "0"),
        channels=tuple(row.get("channels") or ["window"]), id_only=bool(row.get("id_only")),
        cross_region=bool(row.get("cross_region")), holiday_open=bool(row.get("holiday_open")),
        special_steps=list(row.get("special_steps") or []),
        materials=[
            MaterialSpec(name=m["name"], required=bool(m.get("required", True)),
                         shared_source=m.get("shared_source") or "", data_item=m.get("data_item") or "")
            for m in row["materials"]
        ],
    )


def load() -> str:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for code, name in data["departments"].items():
        department_ensure(code=code, name=name)
    have = set(Item.objects.values_list("code", flat=True))
    created = 0
    for row in data["items"]:
        if row["code"] in have:
            continue
        item_create(code=row["code"], spec=spec_from_row(row))
        created += 1
    return f"{created} items created ({len(have)} already present)"

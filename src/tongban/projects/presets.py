"""The bureau's starting rule tables for the four project classes (admins publish new versions).

Targets in working days: 15 for simple low-risk social investment (the seed's "极简极速"), 45 for
ordinary social investment, 90 for government investment, 120 (the national ceiling) for major projects.
"""

from tongban.projects.models import InvestmentType, RiskLevel


def _item(code, required=True, exempt_by=""):
    entry = {"code": code, "required": required}
    if exempt_by:
        entry["exempt_by"] = exempt_by
    return entry


SIMPLE_LOW_RISK = {
    "target_working_days": 15,
    "stages": {
        "approval": {"target_days": 4, "requires_previous": False,
                     "items": [_item("GC-0002"), _item("GC-0007", exempt_by="geological_hazard"),
                               _item("GC-0006", required=False)]},
        # simple projects may file the engineering permit while land use is still being handled
        "engineering": {"target_days": 4, "requires_previous": False,
                        "items": [_item("GC-0003"), _item("GC-0018", exempt_by="soil_water")]},
        "construction": {"target_days": 3, "requires_previous": True, "items": [],
                         "permit": {"item": "GC-0008", "max_parts": 1}},
        "acceptance": {"target_days": 4, "requires_previous": True, "items": [],
                       "acceptance": [{"kind": "planning", "item": "GC-0004"}, {"kind": "fire"},
                                      {"kind": "archives"}]},
    },
}

ORDINARY = {
    "target_working_days": 45,
    "stages": {
        "approval": {"target_days": 10, "requires_previous": False,
                     "items": [_item("GC-0001"), _item("GC-0002"), _item("GC-0007", exempt_by="geological_hazard"),
                               _item("GC-0017", exempt_by="environmental_impact"), _item("GC-0006", required=False)]},
        "engineering": {"target_days": 12, "requires_previous": True,
                        "items": [_item("GC-0003"), _item("GC-0009"), _item("GC-0018", exempt_by="soil_water"),
                                  _item("GC-0012", required=False)]},
        "construction": {"target_days": 10, "requires_previous": True, "items": [_item("GC-0016")],
                         "permit": {"item": "GC-0008", "max_parts": 2}},
        "acceptance": {"target_days": 10, "requires_previous": True, "items": [],
                       "acceptance": [{"kind": "planning", "item": "GC-0004"}, {"kind": "fire", "item": "GC-0011"},
                                      {"kind": "civil_air_defence", "item": "GC-0014"},
                                      {"kind": "archives", "item": "GC-0015"}]},
    },
}


def _bigger(base: dict, *, target: int, stage_days: tuple[int, int, int, int], parts: int, fire_item: str) -> dict:
    import copy

    doc = copy.deepcopy(base)
    doc["target_working_days"] = target
    for stage, days in zip(("approval", "engineering", "construction", "acceptance"), stage_days, strict=True):
        doc["stages"][stage]["target_days"] = days
    doc["stages"]["construction"]["permit"]["max_parts"] = parts
    doc["stages"]["acceptance"]["acceptance"][1]["item"] = fire_item
    return doc


GOVERNMENT = _bigger(ORDINARY, target=90, stage_days=(20, 25, 15, 25), parts=3, fire_item="GC-0011")
MAJOR = _bigger(ORDINARY, target=120, stage_days=(30, 30, 25, 30), parts=3, fire_item="GC-0010")

# code, name, investment type, risk level, rules
CLASSES = [
    ("simple-low-risk", "社会投资简易低风险项目", InvestmentType.ENTERPRISE, RiskLevel.LOW, SIMPLE_LOW_RISK),
    ("social-ordinary", "社会投资一般项目", InvestmentType.ENTERPRISE, RiskLevel.ORDINARY, ORDINARY),
    ("government", "政府投资项目", InvestmentType.GOVERNMENT, RiskLevel.ORDINARY, GOVERNMENT),
    ("major", "重大项目", InvestmentType.ENTERPRISE, RiskLevel.MAJOR, MAJOR),
]

"""The declarative rule table of a project class (分类审批), stored as one JSON document per version.

    {
      "target_working_days": 15,                 # whole process, at most the national 120
      "stages": {
        "approval":     {"target_days": 5, "requires_previous": false,
                         "items": [{"code": "GC-0001", "required": true},
                                   {"code": "GC-0007", "required": true, "exempt_by": "geological_hazard"}]},
        "engineering":  {"target_days": 4, "requires_previous": true, "items": [...]},
        "construction": {"target_days": 3, "requires_previous": true, "items": [...],
                         "permit": {"item": "GC-0008", "max_parts": 2}},
        "acceptance":   {"target_days": 3, "requires_previous": true, "items": [],
                         "acceptance": [{"kind": "planning", "item": "GC-0004"}, {"kind": "archives"}]}
      }
    }

- `required` items are filed when the stage starts; the others may be added while it runs.
- `exempt_by` names a regional pre-assessment of the parcel that replaces the item.
- `requires_previous`: the stage may not start before the previous stage is completed.
- `permit.max_parts`: how many parts the construction permit may be split into (1 = not staged).
- `acceptance`: the separately accepted items of completion acceptance; an `item` is filed as a case.

`parse()` checks the shape and returns typed rules; the catalog check (do the items exist?) is done
by the service that publishes a version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tongban.core.errors import InvalidInput
from tongban.projects.models import STAGE_ORDER, AcceptanceKind, AssessmentKind

NATIONAL_TARGET_DAYS = 120
FIELD = "rules"


@dataclass(frozen=True)
class ItemRule:
    code: str
    required: bool = True
    exempt_by: str = ""


@dataclass(frozen=True)
class AcceptanceRule:
    kind: str
    item: str = ""


@dataclass(frozen=True)
class StageRules:
    stage: str
    target_days: int
    requires_previous: bool
    items: tuple[ItemRule, ...] = ()
    permit_item: str = ""
    max_parts: int = 0
    acceptance: tuple[AcceptanceRule, ...] = ()

    def item(self, code: str) -> ItemRule | None:
        return next((i for i in self.items if i.code == code), None)


@dataclass(frozen=True)
class Rules:
    target_working_days: int
    stages: dict[str, StageRules] = field(default_factory=dict)

    def stage(self, stage: str) -> StageRules:
        return self.stages[stage]

    def item_codes(self) -> set[str]:
        codes = set()
        for s in self.stages.values():
            codes |= {i.code for i in s.items} | {a.item for a in s.acceptance if a.item}
            if s.permit_item:
                codes.add(s.permit_item)
        return codes


def _fail(message) -> None:
    raise InvalidInput(message, field=FIELD)


def _int(value, what: str, lo: int, hi: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        _fail(_("%(what)s must be a whole number from %(lo)s to %(hi)s.") % {"what": what, "lo": lo, "hi": hi})
    return value


def _items(stage: str, raw) -> tuple[ItemRule, ...]:
    if not isinstance(raw, list):
        _fail(_("The items of stage %(s)s must be a list.") % {"s": stage})
    items, seen = [], set()
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str) or not entry["code"]:
            _fail(_("Every item of stage %(s)s needs its item code.") % {"s": stage})
        unknown = set(entry) - {"code", "required", "exempt_by"}
        if unknown:
            _fail(_("Unknown keys in an item rule: %(k)s.") % {"k": ", ".join(sorted(unknown))})
        code = entry["code"]
        if code in seen:
            _fail(_("Item %(c)s is listed twice in stage %(s)s.") % {"c": code, "s": stage})
        seen.add(code)
        exempt_by = entry.get("exempt_by", "") or ""
        if exempt_by and exempt_by not in AssessmentKind.values:
            _fail(_("%(k)s is not a kind of regional pre-assessment.") % {"k": exempt_by})
        items.append(ItemRule(code=code, required=bool(entry.get("required", True)), exempt_by=exempt_by))
    return tuple(items)


def parse(document) -> Rules:
    if not isinstance(document, dict):
        _fail(_("A rule table is a JSON object with target_working_days and stages."))
    target = _int(document.get("target_working_days"), _("The whole-process target"), 1, NATIONAL_TARGET_DAYS)
    raw_stages = document.get("stages")
    if not isinstance(raw_stages, dict) or set(raw_stages) != set(STAGE_ORDER):
        _fail(_("The rule table must define exactly the four stages: %(s)s.") % {"s": ", ".join(STAGE_ORDER)})
    stages: dict[str, StageRules] = {}
    for stage in STAGE_ORDER:
        raw = raw_stages[stage]
        if not isinstance(raw, dict):
            _fail(_("Stage %(s)s must be a JSON object.") % {"s": stage})
        permit = raw.get("permit") or {}
        if permit and stage != "construction":
            _fail(_("Only the construction stage issues a permit in parts."))
        if stage == "construction" and not permit.get("item"):
            _fail(_("The construction stage must name its permit item (permit.item)."))
        acceptance_raw = raw.get("acceptance") or []
        if acceptance_raw and stage != "acceptance":
            _fail(_("Only the completion acceptance stage has acceptance items."))
        if stage == "acceptance" and not acceptance_raw:
            _fail(_("The completion acceptance stage needs at least one acceptance item."))
        acceptance, kinds = [], set()
        for a in acceptance_raw:
            if not isinstance(a, dict) or a.get("kind") not in AcceptanceKind.values or a["kind"] in kinds:
                _fail(_("Acceptance items are distinct kinds among: %(k)s.") % {"k": ", ".join(AcceptanceKind.values)})
            kinds.add(a["kind"])
            acceptance.append(AcceptanceRule(kind=a["kind"], item=a.get("item", "") or ""))
        stages[stage] = StageRules(
            stage=stage,
            target_days=_int(raw.get("target_days"), _("The target of stage %(s)s") % {"s": stage}, 1,
                             NATIONAL_TARGET_DAYS),
            requires_previous=bool(raw.get("requires_previous", stage != STAGE_ORDER[0])),
            items=_items(stage, raw.get("items", [])),
            permit_item=permit.get("item", "") if permit else "",
            max_parts=_int(permit.get("max_parts", 1), _("permit.max_parts"), 1, 5) if permit else 0,
            acceptance=tuple(acceptance),
        )
    if stages[STAGE_ORDER[0]].requires_previous:
        _fail(_("The first stage has no predecessor to wait for."))
    if sum(s.target_days for s in stages.values()) > target:
        _fail(_("The stage targets add up to more than the whole-process target of %(t)s working days.")
              % {"t": target})
    return Rules(target_working_days=target, stages=stages)

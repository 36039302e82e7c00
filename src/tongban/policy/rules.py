"""Eligibility and amount rules written as data, parsed into a validated tree (never eval).

Condition language (JSON or YAML):

    {"all": [cond, ...]}      every condition holds (an empty list holds)
    {"any": [cond, ...]}      at least one holds (an empty list does not)
    {"not": cond}
    {"attr": "employees", "op": ">=", "value": 50}
    {"attr": "industry_code", "op": "in", "value": ["C39", "I65"]}
    {"attr": "industry_code", "op": "startswith", "value": "C"}

Attributes come from a whitelist with a type each; a comparison is checked against the type
when the rule is parsed, so a rule that is saved can always be evaluated.

Amount rules:

    {"kind": "fixed", "amount": "50000"}
    {"kind": "percentage", "of": "tax_paid_last_year", "rate": "0.05", "cap": "200000"}
    {"kind": "tiers", "of": "employees", "tiers": [{"min": 0, "amount": "10000"}, {"min": 100, "amount": "30000"}]}

Money is Decimal yuan with 2 places, rounded half up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from tongban.core.errors import InvalidInput

CENT = Decimal("0.01")
MAX_DEPTH = 12
MAX_NODES = 200


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class RuleError(InvalidInput):
    code = "rule_invalid"


# attribute -> type ("number" values are Decimal, "integer" int, "text" str, "flag" bool)
ATTRIBUTES: dict[str, str] = {
    "registered_capital": "number",
    "tax_paid_last_year": "number",
    "employees": "integer",
    "years_in_operation": "integer",
    "industry_code": "text",
    "location": "text",
    "high_tech": "flag",
}
ORDER_OPS = ("<", "<=", ">", ">=")
OPS_BY_TYPE = {
    "number": ("==", "!=", *ORDER_OPS, "in", "not_in"),
    "integer": ("==", "!=", *ORDER_OPS, "in", "not_in"),
    "text": ("==", "!=", "in", "not_in", "startswith"),
    "flag": ("==", "!="),
}


# -- the tree --------------------------------------------------------------------------------
@dataclass(frozen=True)
class All:
    children: tuple


@dataclass(frozen=True)
class Any_:
    children: tuple


@dataclass(frozen=True)
class Not:
    child: Any


@dataclass(frozen=True)
class Compare:
    attr: str
    op: str
    value: Any  # typed per ATTRIBUTES; a tuple for in / not_in


Node = All | Any_ | Not | Compare


def _scalar(attr: str, kind: str, raw, where: str):
    if kind == "flag":
        if isinstance(raw, bool):
            return raw
    elif kind == "text":
        if isinstance(raw, str) and 0 < len(raw) <= 100:
            return raw
    elif not isinstance(raw, bool) and isinstance(raw, int | float | str | Decimal):
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            if kind == "number":
                return number
            if number == number.to_integral_value():
                return int(number)
    raise RuleError(
        _("%(where)s: %(value)r is not a valid %(kind)s value for %(attr)s.")
        % {"where": where, "value": raw, "kind": kind, "attr": attr},
        field="rule",
    )


def parse(data, *, _path: str = "rule", _depth: int = 0, _count: list | None = None) -> Node:
    """The validated tree of a condition, or RuleError naming where the rule is wrong."""
    count = _count if _count is not None else [0]
    count[0] += 1
    if _depth > MAX_DEPTH or count[0] > MAX_NODES:
        raise RuleError(_("The rule is nested too deeply or is too long."), field="rule")
    if not isinstance(data, dict) or not data:
        raise RuleError(_("%(where)s: a condition must be an object.") % {"where": _path}, field="rule")
    if set(data) == {"all"} or set(data) == {"any"}:
        key = next(iter(data))
        items = data[key]
        if not isinstance(items, list):
            raise RuleError(_("%(where)s.%(key)s must be a list of conditions.") % {"where": _path, "key": key},
                            field="rule")
        children = tuple(parse(c, _path=f"{_path}.{key}[{i}]", _depth=_depth + 1, _count=count)
                         for i, c in enumerate(items))
        return All(children) if key == "all" else Any_(children)
    if set(data) == {"not"}:
        return Not(parse(data["not"], _path=f"{_path}.not", _depth=_depth + 1, _count=count))
    if set(data) == {"attr", "op", "value"}:
        attr, op, raw = data["attr"], data["op"], data["value"]
        if not isinstance(attr, str) or attr not in ATTRIBUTES:
            raise RuleError(
                _("%(where)s: unknown attribute %(attr)r; known attributes: %(known)s.")
                % {"where": _path, "attr": attr, "known": ", ".join(sorted(ATTRIBUTES))},
                code="rule_unknown_attribute", field="rule",
            )
        kind = ATTRIBUTES[attr]
        if not isinstance(op, str) or op not in OPS_BY_TYPE[kind]:
            raise RuleError(
                _("%(where)s: operator %(op)r cannot be used on %(attr)s (allowed: %(ops)s).")
                % {"where": _path, "op": op, "attr": attr, "ops": " ".join(OPS_BY_TYPE[kind])},
                field="rule",
            )
        if op in ("in", "not_in"):
            if not isinstance(raw, list) or not raw or len(raw) > 200:
                raise RuleError(_("%(where)s: %(op)s needs a list of 1-200 values.") % {"where": _path, "op": op},
                                field="rule")
            value = tuple(_scalar(attr, kind, v, _path) for v in raw)
        else:
            value = _scalar(attr, kind, raw, _path)
        return Compare(attr, op, value)
    raise RuleError(
        _("%(where)s: a condition is {all: [...]}, {any: [...]}, {not: ...} or {attr, op, value}.")
        % {"where": _path},
        field="rule",
    )


def to_data(node: Node):
    """The JSON form of a tree (parse(to_data(t)) == t)."""
    if isinstance(node, All):
        return {"all": [to_data(c) for c in node.children]}
    if isinstance(node, Any_):
        return {"any": [to_data(c) for c in node.children]}
    if isinstance(node, Not):
        return {"not": to_data(node.child)}

    def out(v):
        return str(v) if isinstance(v, Decimal) else v

    value = [out(v) for v in node.value] if isinstance(node.value, tuple) else out(node.value)
    return {"attr": node.attr, "op": node.op, "value": value}


# -- evaluation ------------------------------------------------------------------------------
def _compare(left, op: str, right) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    if op == ">=":
        return left >= right
    if op == "in":
        return left in right
    if op == "not_in":
        return left not in right
    if op == "startswith":
        return left.startswith(right)
    raise AssertionError(op)  # parse() admits only the operators above


def evaluate(node: Node, facts: dict) -> bool:
    if isinstance(node, All):
        return all(evaluate(c, facts) for c in node.children)
    if isinstance(node, Any_):
        return any(evaluate(c, facts) for c in node.children)
    if isinstance(node, Not):
        return not evaluate(node.child, facts)
    return _compare(facts[node.attr], node.op, node.value)


def describe(node: Compare) -> str:
    value = "、".join(str(v) for v in node.value) if isinstance(node.value, tuple) else str(node.value)
    return f"{node.attr} {node.op} {value}"


def failures(node: Node, facts: dict) -> list[str]:
    """The conditions that make the rule fail, for the applicant's explanation."""
    if evaluate(node, facts):
        return []
    if isinstance(node, All):
        return [f for c in node.children for f in failures(c, facts)]
    if isinstance(node, Any_):
        return [_("none of: %(c)s") % {"c": "; ".join(describe_any(c) for c in node.children)}]
    if isinstance(node, Not):
        return [_("must not hold: %(c)s") % {"c": describe_any(node.child)}]
    return [describe(node)]


def describe_any(node: Node) -> str:
    if isinstance(node, Compare):
        return describe(node)
    if isinstance(node, Not):
        return "not(" + describe_any(node.child) + ")"
    joiner = " and " if isinstance(node, All) else " or "
    return "(" + joiner.join(describe_any(c) for c in node.children) + ")"


def facts_of(enterprise, *, on: date) -> dict:
    """The attribute values of an enterprise record on a date (years in operation then)."""
    established = enterprise.established_on
    years = on.year - established.year - ((on.month, on.day) < (established.month, established.day))
    return {
        "registered_capital": Decimal(enterprise.registered_capital),
        "tax_paid_last_year": Decimal(enterprise.tax_paid_last_year),
        "employees": int(enterprise.employees),
        "years_in_operation": max(0, years),
        "industry_code": enterprise.industry_code,
        "location": enterprise.location,
        "high_tech": bool(enterprise.high_tech),
    }


# -- amounts ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AmountRule:
    kind: str  # fixed | percentage | tiers
    amount: Decimal | None = None
    of: str | None = None
    rate: Decimal | None = None
    cap: Decimal | None = None
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()  # (min value, amount), ascending by min

    @property
    def ceiling(self) -> Decimal:
        """The most one enterprise can receive under this rule."""
        if self.kind == "fixed":
            return self.amount
        if self.kind == "tiers":
            top = max(a for _m, a in self.tiers)
            return min(top, self.cap) if self.cap is not None else top
        return self.cap

    def compute(self, facts: dict) -> Decimal:
        if self.kind == "fixed":
            return money(self.amount)
        base = Decimal(facts[self.of])
        if self.kind == "percentage":
            result = money(max(Decimal(0), base) * self.rate)
        else:
            result = Decimal("0.00")
            for minimum, amount in self.tiers:
                if base >= minimum:
                    result = amount
        if self.cap is not None:
            result = min(result, self.cap)
        return money(result)


def _money_field(data: dict, key: str, *, required: bool = True) -> Decimal | None:
    raw = data.get(key)
    if raw is None and not required:
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or isinstance(raw, bool) or not value.is_finite() or value < 0 or value > Decimal("1e12"):
        raise RuleError(_("amount rule: %(key)s must be an amount in yuan (0 or more).") % {"key": key},
                        field="amount_rule")
    if value != money(value):
        raise RuleError(_("amount rule: %(key)s has more than 2 decimal places.") % {"key": key},
                        field="amount_rule")
    return value


def parse_amount(data) -> AmountRule:
    if not isinstance(data, dict) or data.get("kind") not in ("fixed", "percentage", "tiers"):
        raise RuleError(_("An amount rule has kind fixed, percentage or tiers."), field="amount_rule")
    kind = data["kind"]
    allowed = {"fixed": {"kind", "amount"}, "percentage": {"kind", "of", "rate", "cap"},
               "tiers": {"kind", "of", "tiers", "cap"}}[kind]
    extra = set(data) - allowed
    if extra:
        raise RuleError(_("amount rule: unexpected keys %(keys)s.") % {"keys": ", ".join(sorted(extra))},
                        field="amount_rule")
    if kind == "fixed":
        return AmountRule(kind=kind, amount=_money_field(data, "amount"))
    of = data.get("of")
    if of not in ATTRIBUTES or ATTRIBUTES[of] not in ("number", "integer"):
        raise RuleError(_("amount rule: %(of)r is not a numeric attribute.") % {"of": of},
                        code="rule_unknown_attribute", field="amount_rule")
    if kind == "percentage":
        try:
            rate = Decimal(str(data.get("rate")))
        except (InvalidOperation, ValueError):
            rate = Decimal(-1)
        if isinstance(data.get("rate"), bool) or not rate.is_finite() or not (0 < rate <= 1):
            raise RuleError(_("amount rule: the rate is a fraction between 0 and 1."), field="amount_rule")
        cap = _money_field(data, "cap")  # a percentage without a cap is not allowed
        return AmountRule(kind=kind, of=of, rate=rate, cap=cap)
    tiers = data.get("tiers")
    if not isinstance(tiers, list) or not tiers or len(tiers) > 20:
        raise RuleError(_("amount rule: tiers is a list of 1-20 {min, amount}."), field="amount_rule")
    parsed = []
    for t in tiers:
        if not isinstance(t, dict) or set(t) != {"min", "amount"}:
            raise RuleError(_("amount rule: each tier is {min, amount}."), field="amount_rule")
        minimum = _money_field(t, "min")
        parsed.append((minimum, _money_field(t, "amount")))
    mins = [m for m, _a in parsed]
    if mins != sorted(mins) or len(set(mins)) != len(mins):
        raise RuleError(_("amount rule: tiers must be in increasing order of min."), field="amount_rule")
    return AmountRule(kind=kind, of=of, tiers=tuple(parsed), cap=_money_field(data, "cap", required=False))

"""The eligibility rule language and the amount rules: parsing, evaluation, amounts."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.policy import rules
from tongban.policy.rules import RuleError

FACTS = {"registered_capital": Decimal("5000000"), "tax_paid_last_year": Decimal("800000"), "employees": 120,
         "years_in_operation": 8, "industry_code": "C39", "location": "fengdong", "high_tech": True}

# -- strategies: well-formed rules and facts --------------------------------------------------
numbers = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
integers = st.integers(min_value=0, max_value=10_000)
texts = st.sampled_from(["C39", "C38", "I65", "A01", "fengdong", "fengxi", "jinghe"])
VALUE = {"number": numbers, "integer": integers, "text": texts, "flag": st.booleans()}


@st.composite
def comparisons(draw):
    attr = draw(st.sampled_from(sorted(rules.ATTRIBUTES)))
    kind = rules.ATTRIBUTES[attr]
    op = draw(st.sampled_from(rules.OPS_BY_TYPE[kind]))
    if op in ("in", "not_in"):
        value = draw(st.lists(VALUE[kind], min_size=1, max_size=4))
        value = [str(v) if isinstance(v, Decimal) else v for v in value]
    elif op == "startswith":
        value = draw(st.sampled_from(["C", "I", "feng", "j"]))
    else:
        value = draw(VALUE[kind])
        value = str(value) if isinstance(value, Decimal) else value
    return {"attr": attr, "op": op, "value": value}


conditions = st.recursive(
    comparisons(),
    lambda children: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(children, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(children, max_size=3)),
        st.builds(lambda c: {"not": c}, children),
    ),
    max_leaves=8,
)
facts_strategy = st.fixed_dictionaries({
    "registered_capital": numbers, "tax_paid_last_year": numbers, "employees": integers,
    "years_in_operation": st.integers(0, 60), "industry_code": texts, "location": texts, "high_tech": st.booleans(),
})


def oracle(rule: dict, facts: dict) -> bool:
    """An independent reading of the language, straight from the JSON."""
    if "all" in rule:
        return all(oracle(c, facts) for c in rule["all"])
    if "any" in rule:
        return any(oracle(c, facts) for c in rule["any"])
    if "not" in rule:
        return not oracle(rule["not"], facts)
    left, op, right = facts[rule["attr"]], rule["op"], rule["value"]
    kind = rules.ATTRIBUTES[rule["attr"]]
    conv = {"number": Decimal, "integer": int, "text": str, "flag": bool}[kind]
    if op in ("in", "not_in"):
        inside = left in [conv(v) for v in right]
        return inside if op == "in" else not inside
    right = conv(right)
    return {"==": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
            ">": left > right, ">=": left >= right,
            "startswith": isinstance(left, str) and left.startswith(right)}[op]


@settings(max_examples=300, deadline=None)
@given(conditions, facts_strategy)
def test_evaluation_agrees_with_an_independent_reading(rule, facts):
    assert rules.evaluate(rules.parse(rule), facts) is oracle(rule, facts)


@settings(max_examples=200, deadline=None)
@given(conditions)
def test_a_parsed_rule_survives_a_round_trip(rule):
    tree = rules.parse(rule)
    assert rules.parse(rules.to_data(tree)) == tree


@settings(max_examples=200, deadline=None)
@given(conditions, facts_strategy)
def test_not_negates_and_failures_explain_exactly_the_failing_rules(rule, facts):
    tree = rules.parse(rule)
    assert rules.evaluate(rules.parse({"not": rule}), facts) is not rules.evaluate(tree, facts)
    assert (rules.failures(tree, facts) == []) is rules.evaluate(tree, facts)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["all", "any", "not", "attr", "op", "value", "x"]), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_arbitrary_input_parses_or_fails_with_a_rule_error_never_anything_else(data):
    try:
        tree = rules.parse(data)
    except RuleError as exc:
        assert exc.status == 400 and exc.code.startswith("rule_")
    else:
        rules.evaluate(tree, FACTS)  # whatever parses can be evaluated


@pytest.mark.parametrize("rule, code", [
    ({"attr": "turnover", "op": ">", "value": 1}, "rule_unknown_attribute"),
    ({"attr": "__class__", "op": "==", "value": 1}, "rule_unknown_attribute"),
    ({"attr": "employees", "op": "startswith", "value": "1"}, "rule_invalid"),
    ({"attr": "employees", "op": ">", "value": "many"}, "rule_invalid"),
    ({"attr": "employees", "op": ">", "value": 2.5}, "rule_invalid"),
    ({"attr": "industry_code", "op": "in", "value": []}, "rule_invalid"),
    ({"attr": "high_tech", "op": ">", "value": True}, "rule_invalid"),
    ({"all": {"attr": "employees", "op": ">", "value": 1}}, "rule_invalid"),
    ({"all": [], "any": []}, "rule_invalid"),
    ("employees > 10", "rule_invalid"),
])
def test_bad_rules_are_refused_with_a_clear_error(rule, code):
    with pytest.raises(RuleError) as info:
        rules.parse(rule)
    assert info.value.code == code


def test_a_rule_nested_too_deeply_is_refused():
    rule = {"attr": "employees", "op": ">", "value": 1}
    for _ in range(20):
        rule = {"not": rule}
    with pytest.raises(RuleError):
        rules.parse(rule)


def test_failures_name_the_conditions_an_enterprise_misses():
    tree = rules.parse({"all": [{"attr": "employees", "op": ">=", "value": 200},
                                {"attr": "industry_code", "op": "startswith", "value": "C"}]})
    assert rules.failures(tree, FACTS) == ["employees >= 200"]


# -- amounts ------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(base=numbers, rate=st.decimals(min_value="0.0001", max_value=1, places=4), cap=numbers)
def test_a_percentage_is_rounded_to_the_fen_and_never_exceeds_its_cap(base, rate, cap):
    rule = rules.parse_amount({"kind": "percentage", "of": "tax_paid_last_year", "rate": str(rate), "cap": str(cap)})
    amount = rule.compute({**FACTS, "tax_paid_last_year": base})
    assert amount == amount.quantize(Decimal("0.01"))
    assert Decimal(0) <= amount <= cap
    assert amount == min(cap, (base * rate).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))


@settings(max_examples=200, deadline=None)
@given(st.lists(integers, min_size=1, max_size=5, unique=True), st.data())
def test_tiers_pay_the_highest_tier_reached_and_more_staff_never_pay_less(mins, data):
    mins = sorted(mins)
    amounts = sorted(data.draw(st.lists(st.integers(1, 10**6), min_size=len(mins), max_size=len(mins))))
    rule = rules.parse_amount({"kind": "tiers", "of": "employees",
                               "tiers": [{"min": m, "amount": a} for m, a in zip(mins, amounts, strict=True)]})
    a, b = sorted(data.draw(st.lists(integers, min_size=2, max_size=2)))
    low, high = rule.compute({**FACTS, "employees": a}), rule.compute({**FACTS, "employees": b})
    assert low <= high
    reached = [amt for m, amt in zip(mins, amounts, strict=True) if m <= b]
    assert high == (Decimal(reached[-1]) if reached else Decimal(0))


def test_worked_amount_examples():
    pct = rules.parse_amount({"kind": "percentage", "of": "tax_paid_last_year", "rate": "0.05", "cap": "30000"})
    assert pct.compute({**FACTS, "tax_paid_last_year": Decimal("123456.78")}) == Decimal("6172.84")
    assert pct.compute(FACTS) == Decimal("30000.00")  # 5% of 800,000 is 40,000: capped
    assert rules.parse_amount({"kind": "fixed", "amount": "50000"}).compute(FACTS) == Decimal("50000.00")


@pytest.mark.parametrize("rule", [
    {"kind": "percentage", "of": "tax_paid_last_year", "rate": "0.05"},  # no cap
    {"kind": "percentage", "of": "industry_code", "rate": "0.05", "cap": "1"},
    {"kind": "percentage", "of": "tax_paid_last_year", "rate": "1.5", "cap": "1"},
    {"kind": "fixed", "amount": "-5"},
    {"kind": "fixed", "amount": "10.001"},
    {"kind": "tiers", "of": "employees", "tiers": [{"min": 10, "amount": 1}, {"min": 5, "amount": 2}]},
    {"kind": "lottery"},
])
def test_bad_amount_rules_are_refused(rule):
    with pytest.raises(RuleError):
        rules.parse_amount(rule)

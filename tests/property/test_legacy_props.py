"""Property: a legacy condition selects exactly what its expression form selects (rule H.30)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from streamsim import Simulation
from streamsim._errors import ConditionalCheckFailedException

scalars = st.one_of(
    st.integers(min_value=-3, max_value=3).map(Decimal),
    st.sampled_from(["a", "ab", "b", "ba"]),
    st.sampled_from([b"a", b"ab", b"b"]),
)
attribute_values = st.one_of(
    scalars,
    st.frozensets(st.integers(min_value=-3, max_value=3).map(Decimal), min_size=1, max_size=3).map(
        set
    ),
    st.frozensets(st.sampled_from(["a", "ab", "b"]), min_size=1, max_size=2).map(set),
    st.lists(scalars, max_size=3),
    st.booleans(),
)

# operator -> expression over #a and :v0, :v1, ...
EXPRESSIONS = {
    "EQ": "#a = :v0",
    "NE": "#a <> :v0",
    "LE": "#a <= :v0",
    "LT": "#a < :v0",
    "GE": "#a >= :v0",
    "GT": "#a > :v0",
    "NOT_NULL": "attribute_exists(#a)",
    "NULL": "attribute_not_exists(#a)",
    "CONTAINS": "contains(#a, :v0)",
    "NOT_CONTAINS": "attribute_exists(#a) AND NOT contains(#a, :v0)",
    "BEGINS_WITH": "begins_with(#a, :v0)",
}


@st.composite
def conditions(draw: st.DrawFn) -> tuple[str, list[Any], str]:
    """A valid legacy condition on ``a``, and its expression."""
    operator = draw(st.sampled_from([*EXPRESSIONS, "IN", "BETWEEN"]))
    if operator in ("NOT_NULL", "NULL"):
        return operator, [], EXPRESSIONS[operator]
    if operator == "BEGINS_WITH":
        return operator, [draw(st.sampled_from(["a", "b", b"a"]))], EXPRESSIONS[operator]
    if operator == "IN":
        kind = draw(st.sampled_from([Decimal, str]))
        pool = [Decimal(i) for i in range(-3, 4)] if kind is Decimal else ["a", "ab", "b"]
        values = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        refs = ", ".join(f":v{i}" for i in range(len(values)))
        return operator, values, f"#a IN ({refs})"
    if operator == "BETWEEN":
        low, high = sorted(draw(st.lists(st.integers(-3, 3), min_size=2, max_size=2)))
        return operator, [Decimal(low), Decimal(high)], "#a BETWEEN :v0 AND :v1"
    return operator, [draw(scalars)], EXPRESSIONS[operator]


@settings(max_examples=150, deadline=None)
@given(
    items=st.lists(st.one_of(st.none(), attribute_values), min_size=1, max_size=6),
    condition=conditions(),
)
def test_h30_legacy_condition_selects_what_its_expression_selects(
    items: list[Any], condition: tuple[str, list[Any], str]
) -> None:
    """ScanFilter and Expected agree with FilterExpression and ConditionExpression."""
    operator, values, expression = condition
    table = Simulation(seed=5).create_table("items", hash_key="p", hash_key_type="N")
    for i, value in enumerate(items):
        table.put_item(Item={"p": i} if value is None else {"p": i, "a": value})
    legacy = {"a": {"ComparisonOperator": operator, "AttributeValueList": values}}
    names = {"#a": "a"}
    placeholders = {f":v{i}": v for i, v in enumerate(values)} or None
    modern: dict[str, Any] = {"ExpressionAttributeNames": names}
    if placeholders:
        modern["ExpressionAttributeValues"] = placeholders
    by_legacy = table.scan(ScanFilter=legacy)["Items"]
    by_expression = table.scan(FilterExpression=expression, **modern)["Items"]
    assert by_legacy == by_expression
    for i in range(len(items)):
        outcomes = []
        for params in ({"Expected": legacy}, {"ConditionExpression": expression, **modern}):
            try:
                table.update_item(Key={"p": i}, **params)
                outcomes.append(True)
            except ConditionalCheckFailedException:
                outcomes.append(False)
        assert outcomes[0] == outcomes[1]
